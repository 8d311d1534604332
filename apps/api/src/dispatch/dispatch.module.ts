import { Module } from '@nestjs/common';
import { Dispatcher } from './dispatcher.service';
import { DispatchRepository } from './dispatch.repository';
import { ExecutionRunner } from './execution-runner';
import { WakeupListener } from './wakeup-channel';

/** The worker: loaded only when ROLE is `worker` or `all`. */
@Module({ providers: [Dispatcher, DispatchRepository, ExecutionRunner, WakeupListener] })
export class DispatchModule {}
