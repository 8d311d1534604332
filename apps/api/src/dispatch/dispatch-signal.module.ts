import { Global, Module } from '@nestjs/common';
import { DispatchSignal } from './dispatch-signal';

@Global()
@Module({ providers: [DispatchSignal], exports: [DispatchSignal] })
export class DispatchSignalModule {}
