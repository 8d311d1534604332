import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { RedriveRunner } from './redrive-runner';
import { RedrivesController } from './redrives.controller';
import { RedrivesService } from './redrives.service';
import { RedrivesStore } from './redrives.store';

@Module({
  imports: [ExecutionsModule],
  controllers: [RedrivesController],
  providers: [RedrivesService, RedrivesStore, RedriveRunner],
})
export class RedrivesModule {}
