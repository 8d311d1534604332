import { Module } from '@nestjs/common';
import { FlowModule } from '../flow/flow.module';
import { RejectionStoresModule } from '../rejections/rejection-stores.module';
import { RouteHealthController } from './route-health.controller';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

@Module({
  imports: [FlowModule, RejectionStoresModule],
  controllers: [StatsController, RouteHealthController],
  providers: [StatsService, StatsRepository],
  exports: [StatsRepository],
})
export class StatsModule {}
