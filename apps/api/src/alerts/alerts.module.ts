import { Module } from '@nestjs/common';
import { FlowModule } from '../flow/flow.module';
import { RejectionsStore } from '../rejections/rejections.store';
import { StatsRepository } from '../stats/stats.repository';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

// The stores directly, not their modules: worker processes must not serve /api/stats.
@Module({
  imports: [FlowModule],
  providers: [AlertsService, AlertsRepository, StatsRepository, RejectionsStore],
})
export class AlertsModule {}
