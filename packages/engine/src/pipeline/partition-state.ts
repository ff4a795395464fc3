import type { SubjectState } from '../monitor/subject-states.ts';
import { partitionOf } from './partitions.ts';
import { type SeqWindowSnapshot, SeqWindows } from './seq-window.ts';

/**
 * What the owner of a partition holds in memory (issue 12): the rule memory of the partition's
 * subjects and the seqs of its devices. Nothing else touches it; a checkpoint saves it with the log
 * offsets it is as of, and a new owner resumes from there.
 */
export class PartitionState {
  readonly subjects = new Map<string, SubjectState>();
  seqs = new SeqWindows();

  snapshot(): PartitionStateSnapshot {
    return { subjects: [...this.subjects], seqs: this.seqs.snapshot() };
  }

  static restore(s: PartitionStateSnapshot | undefined): PartitionState {
    const state = new PartitionState();
    for (const [key, subject] of s?.subjects ?? []) state.subjects.set(key, subject);
    state.seqs = SeqWindows.restore(s?.seqs);
    return state;
  }
}

export interface PartitionStateSnapshot {
  subjects: [string, SubjectState][];
  seqs: SeqWindowSnapshot;
}

/**
 * The states of the partitions this process owns, shared by the partition manager (which fills and
 * empties it as partitions come and go) and the monitor and applier (which read a subject's or a
 * device's partition). Only an owned partition's records are applied, so only owned ones are read.
 */
export class PartitionStates {
  private readonly states = new Map<number, PartitionState>();

  constructor(readonly partitions: number) {}

  get(partition: number): PartitionState {
    let state = this.states.get(partition);
    if (!state) {
      state = new PartitionState();
      this.states.set(partition, state);
    }
    return state;
  }

  set(partition: number, state: PartitionState): void {
    this.states.set(partition, state);
  }

  delete(partition: number): void {
    this.states.delete(partition);
  }

  /** The rule memory map a subject's state lives in. */
  subjectsOf(subjectKey: string): Map<string, SubjectState> {
    return this.get(partitionOf(subjectKey, this.partitions)).subjects;
  }
}
