import { Module } from '@nestjs/common';
import { FlowModule } from '../flow/flow.module';
import { StatsRepository } from '../stats/stats.repository';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

// StatsRepository directly, not StatsModule: worker processes must not serve /api/stats.
@Module({ imports: [FlowModule], providers: [AlertsService, AlertsRepository, StatsRepository] })
export class AlertsModule {}
