import { Global, Module } from '@nestjs/common';
import { WorkSignal } from '../executions/work-signal';
import { WakeupPublisher } from './wakeup-channel';

/** How accepted work reaches workers: in-process, and by NOTIFY to other processes. */
@Global()
@Module({ providers: [WorkSignal, WakeupPublisher], exports: [WorkSignal] })
export class DispatchSignalModule {}
