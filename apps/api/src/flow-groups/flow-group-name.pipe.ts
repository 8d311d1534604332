import { Injectable, type PipeTransform } from '@nestjs/common';
import { isValidSlug } from '@triggerline/contracts';
import { RequestError } from '../http/request.errors';

/** A flow group's name is slug-shaped (as `watermarkGroup` always was); else 400. */
@Injectable()
export class FlowGroupNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isValidSlug(value)) {
      const problem =
        'name must be lowercase letters, digits and dashes, 1 to 63, not starting with a dash';
      throw new RequestError('validation_failed', problem, [problem]);
    }
    return value;
  }
}
