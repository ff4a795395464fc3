/** A delivery receipt: the alert was shown to this user at this time (contract §2 `receipt`). */
export interface Receipt {
  alertId: string;
  userId: string;
  at: number;
}

const MAX_ALERTS = 10_000;
const MAX_PER_ALERT = 50;

/**
 * Receipts kept in memory for escalation and SLA (contract §2). Bounded so a misbehaving client cannot
 * grow it without limit: oldest alerts are forgotten first, and one alert keeps its first receipts.
 */
export class ReceiptBook {
  private readonly byAlert = new Map<string, Receipt[]>();

  record(r: Receipt): void {
    let list = this.byAlert.get(r.alertId);
    if (!list) {
      if (this.byAlert.size >= MAX_ALERTS) {
        const oldest = this.byAlert.keys().next().value;
        if (oldest !== undefined) this.byAlert.delete(oldest);
      }
      list = [];
      this.byAlert.set(r.alertId, list);
    }
    if (list.length < MAX_PER_ALERT && !list.some((x) => x.userId === r.userId)) list.push(r);
  }

  get(alertId: string): readonly Receipt[] {
    return this.byAlert.get(alertId) ?? [];
  }

  get all(): ReadonlyMap<string, readonly Receipt[]> {
    return this.byAlert;
  }
}
