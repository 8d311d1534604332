import { Global, Module } from '@nestjs/common';
import { FlowStore } from './flow.store';

/** Flow control's tables, for the API (pause, release, circuits) and the worker (claims). */
@Global()
@Module({ providers: [FlowStore], exports: [FlowStore] })
export class FlowModule {}
