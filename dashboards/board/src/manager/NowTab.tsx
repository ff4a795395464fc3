import { AlertBoard } from '../components/AlertBoard.tsx';
import { MyTasks } from '../components/MyTasks.tsx';
import { TeamPanel } from '../components/TeamPanel.tsx';
import { WardGrid } from '../ward/WardGrid.tsx';
import { DelayList } from './DelayList.tsx';

/**
 * Now: the delays needing attention (named), who is on duty, the alarms themselves, and the ward grid
 * as a full-width row under them (vitals only where residents share them with managers).
 */
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
      <div class="layout__ward">
        <WardGrid />
      </div>
    </div>
  );
}
