import { Global, Module } from '@nestjs/common';
import { DispatchSignal } from './dispatch-signal';
import { WakeupPublisher } from './wakeup-channel';

/** How accepted work reaches workers: in-process, and by NOTIFY to other processes. */
@Global()
@Module({ providers: [DispatchSignal, WakeupPublisher], exports: [DispatchSignal] })
export class DispatchSignalModule {}
