import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { FlowModule } from '../flow/flow.module';
import { FlowGroupsController } from './flow-groups.controller';
import { FlowGroupsService } from './flow-groups.service';

@Module({
  imports: [ExecutionStoresModule, FlowModule],
  controllers: [FlowGroupsController],
  providers: [FlowGroupsService],
  exports: [FlowGroupsService],
})
export class FlowGroupsModule {}
