import { Module } from '@nestjs/common';
import { Clock } from '../scheduling/clock';
import { Completer } from './completer';
import { Dispatcher } from './dispatcher.service';
import { ExecutionRunner } from './execution-runner';

/** The worker: loaded only when ROLE is `worker` or `all`. */
@Module({ providers: [Dispatcher, ExecutionRunner, Completer, Clock] })
export class DispatchModule {}
