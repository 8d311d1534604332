import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { ExecutionsModule } from '../executions/executions.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

@Module({
  imports: [ExecutionStoresModule, ExecutionsModule],
  controllers: [DeadLettersController],
  providers: [DeadLettersService],
})
export class DeadLettersModule {}
