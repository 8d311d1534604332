import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { ConfigAsCodeController } from './config-as-code.controller';
import { ConfigAsCodeService } from './config-as-code.service';

@Module({
  imports: [TriggersModule],
  controllers: [ConfigAsCodeController],
  providers: [ConfigAsCodeService],
})
export class ConfigAsCodeModule {}
