import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { RetentionService } from './retention.service';

@Module({ imports: [ExecutionStoresModule], providers: [RetentionService] })
export class RetentionModule {}
