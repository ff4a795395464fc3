import { VITALS, type VitalKey } from '@vigil/contracts';
import { formatNumber } from './i18n/format.ts';
import { vitalUnit } from './i18n/labels.ts';

/** "125 bpm" / "125 次/分": a vital's value at the precision it is read at, in the language in force. */
export function vitalValue(key: VitalKey, v: number, digits: number = VITALS[key].decimals): string {
  const unit = vitalUnit(key);
  return `${formatNumber(v, digits)}${unit === '%' ? '' : ' '}${unit}`;
}
