import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { RequestError } from './request.errors';

/** Route ids are uuids; anything else is 400 `invalid_id`. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUUID(value)) {
      throw new RequestError('invalid_id', `"${value.slice(0, 64)}" is not a valid id.`);
    }
    return value;
  }
}
