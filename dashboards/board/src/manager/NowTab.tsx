import { AlertBoard } from '../components/AlertBoard.tsx';
import { MyTasks } from '../components/MyTasks.tsx';
import { TeamPanel } from '../components/TeamPanel.tsx';
import { DelayList } from './DelayList.tsx';

/** Now: the delays needing attention (named), who is on duty, and the alarms themselves. */
export function NowTab({ canRespond }: { canRespond: boolean }) {
  return (
    <div class="layout">
      <div class="layout__col">
        {/* A task can come to a manager (nobody on duty, escalation): it shows here when it does. */}
        <MyTasks />
        <AlertBoard canAck={canRespond} canResolve={canRespond} />
      </div>
      <div class="layout__col">
        <DelayList />
        <TeamPanel />
      </div>
    </div>
  );
}
