import { Global, Module } from '@nestjs/common';
import { FlowGate } from './flow-gate';
import { FlowStore } from './flow.store';

/** Flow control's tables, for the API (pause, release, circuits) and the worker (claims). */
@Global()
@Module({ providers: [FlowStore, FlowGate], exports: [FlowStore, FlowGate] })
export class FlowModule {}
