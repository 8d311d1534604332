import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { ExecutionsModule } from '../executions/executions.module';
import { TriggersModule } from '../triggers/triggers.module';
import { RedriveRunner } from './redrive-runner';
import { RedrivesController } from './redrives.controller';
import { RedrivesService } from './redrives.service';
import { RedrivesStore } from './redrives.store';

@Module({
  imports: [ExecutionStoresModule, ExecutionsModule, TriggersModule],
  controllers: [RedrivesController],
  providers: [RedrivesService, RedrivesStore, RedriveRunner],
})
export class RedrivesModule {}
