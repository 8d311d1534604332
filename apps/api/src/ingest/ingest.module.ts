import { Module } from '@nestjs/common';
import { HooksController } from './hooks.controller';
import { TriggersModule } from '../triggers/triggers.module';
import { IngestService } from './ingest.service';

@Module({
  imports: [TriggersModule],
  controllers: [HooksController],
  providers: [IngestService],
})
export class IngestModule {}
