import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

@Module({
  imports: [ExecutionsModule],
  controllers: [DeadLettersController],
  providers: [DeadLettersService],
})
export class DeadLettersModule {}
