import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { WakeupPublisher } from './wakeup-channel';

/** Announced work reaches workers in other processes (NOTIFY), whatever this process's role. */
@Module({ imports: [ExecutionStoresModule], providers: [WakeupPublisher] })
export class WakeupChannelModule {}
