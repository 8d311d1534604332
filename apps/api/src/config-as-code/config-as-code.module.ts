import { Module } from '@nestjs/common';
import { FlowGroupsModule } from '../flow-groups/flow-groups.module';
import { FlowModule } from '../flow/flow.module';
import { TriggersModule } from '../triggers/triggers.module';
import { ConfigAsCodeController } from './config-as-code.controller';
import { ConfigAsCodeService } from './config-as-code.service';

@Module({
  imports: [TriggersModule, FlowGroupsModule, FlowModule],
  controllers: [ConfigAsCodeController],
  providers: [ConfigAsCodeService],
})
export class ConfigAsCodeModule {}
