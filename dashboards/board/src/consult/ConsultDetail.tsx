import { useSignal } from '@preact/signals';
import type { HealthReport, Task } from '@vigil/contracts';
import { useEffect } from 'preact/hooks';
import { ConsultContext } from '../components/ConsultContext.tsx';
import { explain } from '../format.ts';
import { t } from '../i18n/consult.ts';
import { ConsultActions } from './ConsultActions.tsx';
import { type Loaded, loadReport } from './consult-data.ts';
import { consultAlert, consultAlertTitle, priorityText, stateText, whoAndWhere } from './consult-text.ts';
import { ReportPanel } from './ReportPanel.tsx';
import { pushedReports } from './report-live.ts';
import { RiskNotice } from './RiskNotice.tsx';
import { VitalCharts } from './VitalCharts.tsx';

/** Why the doctor is asked: the alert's title and its explanation (rule, condition, values). */
function Why({ task }: { task: Task }) {
  const alert = consultAlert(task);
  if (!alert) return null;
  // The device id is for engineers; the doctor needs the values, limits and times.
  const { deviceId: _device, ...inputs } = alert.explanation?.inputs ?? {};
  const why = alert.explanation && explain({ ...alert.explanation, inputs }, alert.kind);
  return (
    <section class="consult-why" data-testid="consult-why">
      <h3>{t('whyTitle')}</h3>
      <p class="consult-why__title">{consultAlertTitle(alert)}</p>
      {why ? (
        <ul class="consult-why__list">
          <li>{why.condition}</li>
          {why.path && <li>{why.path}</li>}
          {why.inputs.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : (
        <p class="empty">{t('whyWithheld')}</p>
      )}
    </section>
  );
}

function Note({ task }: { task: Task }) {
  if (task.note !== undefined) {
    return (
      <section class="consult-note" data-testid="consult-note">
        <h3>{t('noteTitle')}</h3>
        <p class="consult-note__text">{task.note}</p>
      </section>
    );
  }
  // A finished consult without its context came back stripped: the resident's consent leaves this
  // user out, the note with it (the gateway withholds both).
  if (task.state === 'done' && task.context === undefined) {
    return (
      <p class="empty" data-testid="consult-note-withheld">
        {t('noteWithheld')}
      </p>
    );
  }
  return null;
}

/** One consult: who and where, why, the snapshot it carries, report, charts, and what to do next. */
export function ConsultDetail({ task }: { task: Task }) {
  const { name, room } = whoAndWhere(task);
  const report = useSignal<Loaded<HealthReport>>({ state: 'loading' });
  const residentId = task.residentId;
  // A pushed risk change for this resident (report.updated) reloads the report at once.
  const pushed = residentId ? pushedReports.value.get(residentId) : undefined;
  useEffect(() => {
    if (!residentId) return;
    let live = true;
    // A refresh keeps the report on screen until the new one is in: no flash of "loading".
    if (report.peek().state !== 'ok') report.value = { state: 'loading' };
    void loadReport(residentId).then((r) => {
      if (live) report.value = r;
    });
    return () => {
      live = false;
    };
  }, [residentId, pushed?.seq]);
  const limits = report.value.state === 'ok' ? report.value.value.limits : undefined;
  const baselines = report.value.state === 'ok' ? report.value.value.baselines : undefined;

  return (
    <article class="consult-detail" data-testid="consult-detail" data-task-id={task.id} data-state={task.state}>
      <header class="consult-detail__head">
        <span class={`prio prio--${task.priority}`}>{priorityText(task.priority)}</span>
        <h2>
          {name}
          {room && <span class="consult-detail__room"> · {room}</span>}
        </h2>
        <span class="state" data-testid="consult-state">
          {stateText(task)}
        </span>
      </header>
      <Why task={task} />
      <Note task={task} />
      <ConsultActions task={task} />
      {task.context !== undefined && (
        <section class="consult-snapshot">
          <h3>{t('snapshotTitle')}</h3>
          <ConsultContext context={task.context} />
        </section>
      )}
      {residentId && (
        <>
          {pushed && <RiskNotice pushed={pushed} />}
          <ReportPanel report={report.value} />
          <VitalCharts residentId={residentId} limits={limits} baselines={baselines} />
        </>
      )}
    </article>
  );
}
