import { Module } from '@nestjs/common';
import { AuditLogStore } from '../access/audit-log.store';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { RedrivesStore } from '../redrives/redrives.store';
import { RejectionStoresModule } from '../rejections/rejection-stores.module';
import { HourCountsStore } from '../stats/hour-counts.store';
import { RetentionService } from './retention.service';

// Retention runs in every role, the access and redrive modules only where the API runs: the
// job has its own instances of their (stateless) stores.
@Module({
  imports: [ExecutionStoresModule, RejectionStoresModule],
  providers: [RetentionService, AuditLogStore, RedrivesStore, HourCountsStore],
})
export class RetentionModule {}
