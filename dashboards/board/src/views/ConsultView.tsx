import { useEffect } from 'preact/hooks';
import { AlertBoard } from '../components/AlertBoard.tsx';
import { ConsultDetail } from '../consult/ConsultDetail.tsx';
import { ConsultQueue } from '../consult/ConsultQueue.tsx';
import { consultById, loadFinishedConsults, resetConsult, selectedConsult } from '../consult/consult-data.ts';
import { resetReportUpdates } from '../consult/report-live.ts';
import { t } from '../i18n/consult.ts';
import '../consult/consult.css';
import { tasks } from '../tasks.ts';

/**
 * The medical team's board (issue 14 item 3): consult requests with their context and the open alerts
 * on the left; the chosen consult on the right with the health summary, every vital over 1, 6 or
 * 24 h, and the note.
 */
export function ConsultView() {
  useEffect(() => {
    void loadFinishedConsults().catch((err: unknown) => console.warn('vigil: finished consults not loaded', err));
    return () => {
      resetConsult();
      resetReportUpdates();
    };
  }, []);
  const id = selectedConsult.value;
  // Read the live map so the detail follows the task's events (accepted, finished).
  void tasks.value;
  const task = id ? consultById(id) : undefined;
  return (
    <main class="layout consult-layout">
      <div class="layout__col consult-layout__queue">
        <ConsultQueue />
        {/* Doctors still respond to alerts (contract §4.2): the alarm sounds for them, so they can
            acknowledge and resolve here as on the care board. */}
        <AlertBoard canAck canResolve />
      </div>
      <div class="layout__col consult-layout__detail">
        {task ? <ConsultDetail key={task.id} task={task} /> : <p class="empty">{t('pick')}</p>}
      </div>
    </main>
  );
}
