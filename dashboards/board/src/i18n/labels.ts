import type {
  AlertKind,
  AlertOutcome,
  AlertState,
  Explanation,
  Priority,
  RiskLevel,
  Role,
  SlaWarningKind,
  TaskKind,
  TaskState,
  VitalKey,
} from '@vigil/contracts';
import { locale } from './locale.ts';

/**
 * Names of the board's fixed vocabularies (priorities, risk bands, roles, outcomes, task kinds and
 * states, vital signs, alert kinds) in both languages. Records keyed by the contract's enums, so a new
 * value cannot ship without its words in English and Chinese.
 */
type Words = { en: string; zh: string };
const pick = (w: Words): string => (locale.value === 'en' ? w.en : w.zh);
const table =
  <K extends string>(t: Record<K, Words>) =>
  (k: K): string =>
    t[k] ? pick(t[k]) : k;

/** Text next to the colour, never colour alone (WCAG 1.4.1; IEC 60601-1-8 priorities). */
export const PRIORITY_WORDS: Record<Priority, Words> = {
  high: { en: 'HIGH', zh: '高' },
  medium: { en: 'MEDIUM', zh: '中' },
  low: { en: 'LOW', zh: '低' },
};
export const priorityLabel = table(PRIORITY_WORDS);

/** NEWS2 clinical risk bands (chart 4) in words. */
export const RISK_WORDS: Record<RiskLevel, Words> = {
  low: { en: 'low risk', zh: '低风险' },
  low_medium: { en: 'low–medium risk', zh: '中低风险' },
  medium: { en: 'medium risk', zh: '中风险' },
  high: { en: 'high risk', zh: '高风险' },
};
export const riskLabel = table(RISK_WORDS);

export const ROLE_WORDS: Record<Role, Words> = {
  admin: { en: 'Administrator', zh: '管理员' },
  manager: { en: 'Manager', zh: '护理主管' },
  caregiver: { en: 'Caregiver', zh: '护理员' },
  medical: { en: 'Medical', zh: '医护人员' },
  resident: { en: 'Resident', zh: '住户' },
  maintenance: { en: 'Maintenance', zh: '维修人员' },
};
export const roleLabel = table(ROLE_WORDS);

export const OUTCOME_WORDS: Record<AlertOutcome, Words> = {
  handled: { en: 'Handled', zh: '已处理' },
  false_alarm: { en: 'False alarm', zh: '误报' },
  transferred: { en: 'Transferred', zh: '已转送' },
  no_action_needed: { en: 'No action needed', zh: '无需处理' },
  self_cleared: { en: 'Cleared by itself', zh: '已自行恢复' },
  cancelled: { en: 'Cancelled by the resident', zh: '住户已取消' },
};
export const outcomeLabel = table(OUTCOME_WORDS);

export const ALERT_STATE_WORDS: Record<AlertState, Words> = {
  active: { en: 'Active', zh: '待处理' },
  acknowledged: { en: 'Acknowledged', zh: '已确认' },
  resolved: { en: 'Resolved', zh: '已解决' },
};
export const alertStateLabel = table(ALERT_STATE_WORDS);

export const TASK_KIND_WORDS: Record<TaskKind, Words> = {
  onsite_check: { en: 'On-site check', zh: '现场查看' },
  remote_consult: { en: 'Remote consult', zh: '远程会诊' },
  facility_maintenance: { en: 'Maintenance', zh: '设施维修' },
};
export const taskKindLabel = table(TASK_KIND_WORDS);

export const TASK_STATE_WORDS: Record<TaskState, Words> = {
  open: { en: 'Open', zh: '待接单' },
  assigned: { en: 'Assigned', zh: '已指派' },
  accepted: { en: 'Accepted', zh: '已接单' },
  in_progress: { en: 'In progress', zh: '进行中' },
  done: { en: 'Done', zh: '已完成' },
  cancelled: { en: 'Cancelled', zh: '已取消' },
};
export const taskStateLabel = table(TASK_STATE_WORDS);

export const SLA_KIND_WORDS: Record<SlaWarningKind, Words> = {
  alert_unacknowledged: { en: 'Alert not acknowledged', zh: '警报无人确认' },
  accept_overdue: { en: 'Task not accepted in time', zh: '任务未按时接单' },
  complete_overdue: { en: 'Task not completed in time', zh: '任务未按时完成' },
  staff_repeated_overdue: { en: 'Repeatedly overdue', zh: '多次超时' },
  consult_response_streak: { en: 'Slow consult responses', zh: '会诊响应慢' },
  no_staff_on_duty: { en: 'No staff on duty', zh: '无人值班' },
};
export const slaKindLabel = table(SLA_KIND_WORDS);

/** How a condition reached its priority (explanation `path`), in a carer's words. */
export const PATH_WORDS: Record<NonNullable<Explanation['path']>, Words> = {
  sustained: { en: 'stayed past the limit for a while', zh: '持续超出限值一段时间' },
  confirmed: { en: 'confirmed by the next reading', zh: '下一次测量再次确认' },
  critical_stream: { en: 'dangerous level for a few seconds', zh: '数秒内处于危险水平' },
  critical_spot: { en: 'dangerous level in a single reading', zh: '单次测量即处于危险水平' },
};
export const pathLabel = table(PATH_WORDS);

/** A vital's full name, its short label (tiles, tables) and its unit as written after a value. */
export const VITAL_WORDS: Record<VitalKey, { name: Words; short: Words; unit: Words }> = {
  hr: {
    name: { en: 'Heart rate', zh: '心率' },
    short: { en: 'HR', zh: '心率' },
    unit: { en: 'bpm', zh: '次/分' },
  },
  spo2: {
    name: { en: 'Blood oxygen', zh: '血氧' },
    short: { en: 'SpO2', zh: '血氧' },
    unit: { en: '%', zh: '%' },
  },
  rr: {
    name: { en: 'Breathing rate', zh: '呼吸频率' },
    short: { en: 'RR', zh: '呼吸' },
    unit: { en: '/min', zh: '次/分' },
  },
  sbp: {
    name: { en: 'Blood pressure', zh: '血压' },
    short: { en: 'Systolic BP', zh: '收缩压' },
    unit: { en: 'mmHg', zh: 'mmHg' },
  },
  dbp: {
    name: { en: 'Diastolic blood pressure', zh: '舒张压' },
    short: { en: 'Diastolic BP', zh: '舒张压' },
    unit: { en: 'mmHg', zh: 'mmHg' },
  },
  temp: {
    name: { en: 'Temperature', zh: '体温' },
    short: { en: 'Temp', zh: '体温' },
    unit: { en: '°C', zh: '°C' },
  },
};
export const vitalName = (k: VitalKey): string => pick(VITAL_WORDS[k].name);
export const vitalShort = (k: VitalKey): string => pick(VITAL_WORDS[k].short);
export const vitalUnit = (k: VitalKey): string => pick(VITAL_WORDS[k].unit);
/** Blood pressure as one reading (systolic/diastolic), as tiles and consult tables show it. */
export const bpShort = (): string => pick({ en: 'BP', zh: '血压' });

/** The plain name of each alert kind: a card's title when the values are not shared with this viewer. */
export const ALERT_KIND_WORDS: Record<AlertKind, Words> = {
  'vital.hr_high': { en: 'Heart rate high', zh: '心率偏高' },
  'vital.hr_low': { en: 'Heart rate low', zh: '心率偏低' },
  'vital.spo2_low': { en: 'Blood oxygen low', zh: '血氧偏低' },
  'vital.rr_high': { en: 'Breathing rate high', zh: '呼吸频率偏高' },
  'vital.rr_low': { en: 'Breathing rate low', zh: '呼吸频率偏低' },
  'vital.sbp_high': { en: 'Blood pressure high', zh: '血压偏高' },
  'vital.sbp_low': { en: 'Blood pressure low', zh: '血压偏低' },
  'vital.temp_high': { en: 'Temperature high', zh: '体温偏高' },
  'vital.temp_low': { en: 'Temperature low', zh: '体温偏低' },
  news2: { en: 'Early warning score (NEWS2) raised', zh: '早期预警评分（NEWS2）升高' },
  sos: { en: 'Help button pressed', zh: '按下了求助按钮' },
  fall: { en: 'Fall detected', zh: '检测到跌倒' },
  'device.offline': { en: 'Wearable offline', zh: '手环离线' },
  'device.low_battery': { en: 'Wearable battery low', zh: '手环电量低' },
  'device.not_worn': { en: 'Wearable not worn', zh: '手环未佩戴' },
  'device.wear_conflict': { en: 'Wearable may be worn wrongly', zh: '手环佩戴状态存疑' },
  'device.no_data': { en: 'Wearable sends no readings', zh: '手环无数据' },
  'facility.water_leak': { en: 'Water leak', zh: '漏水' },
  'facility.smoke': { en: 'Smoke', zh: '烟雾' },
  'facility.power_loss': { en: 'Power cut', zh: '停电' },
  'facility.air_temp': { en: 'Room temperature', zh: '室温异常' },
  'resident.inactivity': { en: 'No movement', zh: '长时间未活动' },
  'vital.hr_baseline': { en: 'Resting heart rate above usual', zh: '静息心率高于平时' },
};
export const alertKindLabel = table(ALERT_KIND_WORDS);

/** The language switch names each language in itself, so either reader finds their own. */
export const LANGUAGE_NAME = { 'zh-CN': '中文', en: 'English' } as const;

/** Every table above, for the catalogue test (both languages present, none empty, Chinese in Chinese). */
export const WORD_TABLES: Record<string, Record<string, Words>> = {
  PRIORITY_WORDS,
  RISK_WORDS,
  ROLE_WORDS,
  OUTCOME_WORDS,
  ALERT_STATE_WORDS,
  TASK_KIND_WORDS,
  TASK_STATE_WORDS,
  SLA_KIND_WORDS,
  PATH_WORDS,
  ALERT_KIND_WORDS,
  ...Object.fromEntries(
    Object.entries(VITAL_WORDS).map(([k, w]) => [`VITAL_WORDS.${k}`, { name: w.name, short: w.short }]),
  ),
};

/**
 * A table as a plain `Record` whose values are read in the language in force: `PRIORITY_LABEL.high`
 * keeps working for code written before the board spoke Chinese, and follows the switch.
 */
export function localisedRecord<K extends string>(t: Record<K, Words>): Readonly<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const k of Object.keys(t) as K[]) {
    Object.defineProperty(out, k, { enumerable: true, get: () => pick(t[k]) });
  }
  return out;
}
