import { Module } from '@nestjs/common';
import { DeliveryOutcomeCounts } from './delivery-outcome-counts.store';
import { RejectionsStore } from './rejections.store';

/** The stores of refused and filtered deliveries, for ingestion, stats and alerts. */
@Module({
  providers: [RejectionsStore, DeliveryOutcomeCounts],
  exports: [RejectionsStore, DeliveryOutcomeCounts],
})
export class RejectionStoresModule {}
