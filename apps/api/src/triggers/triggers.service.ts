import { Injectable } from '@nestjs/common';
import type { RetryPolicy, Trigger, TriggerList } from '@triggerline/contracts';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { RequestError } from '../http/request.errors';
import { DEFAULT_IDEMPOTENCY_KEY_PATHS } from '../ingest/idempotency-key';
import type { HttpActionDto, WhatsappActionDto } from './dto/action.dto';
import type { CreateTriggerDto } from './dto/create-trigger.dto';
import type { RetryPolicyDto } from './dto/retry-policy.dto';
import type { UpdateTriggerDto } from './dto/update-trigger.dto';
import { type StoredAction, TriggerEntity } from './trigger.entity';
import { toTriggerResponse } from './trigger.response';
import { TriggerError } from './triggers.errors';

const DEFAULT_TIMEOUT_MS = 10_000;
const WHATSAPP_DEFAULT_WATERMARK = 50;

@Injectable()
export class TriggersService {
  private readonly triggers: Repository<TriggerEntity>;

  constructor(
    dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.triggers = dataSource.getRepository(TriggerEntity);
  }

  async list(): Promise<TriggerList> {
    const triggers = await this.triggers.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return { items: triggers.map(toTriggerResponse) };
  }

  async get(id: string): Promise<Trigger> {
    return toTriggerResponse(await this.findOrFail(id));
  }

  async create(dto: CreateTriggerDto): Promise<Trigger> {
    const action = toStoredAction(dto.action, null);
    const trigger = this.triggers.create({
      name: dto.name,
      slug: dto.slug,
      enabled: dto.enabled ?? true,
      action,
      retryPolicy: this.mergeRetryPolicy(this.config.defaultRetryPolicy, dto.retryPolicy),
      idempotencyKeyPaths: dto.idempotencyKeyPaths ?? [...DEFAULT_IDEMPOTENCY_KEY_PATHS],
      secret: dto.secret ?? null,
      dailyWatermark:
        dto.dailyWatermark !== undefined
          ? dto.dailyWatermark
          : action.type === 'whatsapp'
            ? WHATSAPP_DEFAULT_WATERMARK
            : null,
      onDeadLetter: dto.onDeadLetter ?? null,
    });
    return toTriggerResponse(await this.save(trigger));
  }

  async update(id: string, dto: UpdateTriggerDto): Promise<Trigger> {
    const trigger = await this.findOrFail(id);
    if (dto.action !== undefined) {
      trigger.action = toStoredAction(dto.action, trigger.action);
    }
    if (dto.retryPolicy !== undefined) {
      trigger.retryPolicy = this.mergeRetryPolicy(trigger.retryPolicy, dto.retryPolicy);
    }
    trigger.name = dto.name ?? trigger.name;
    trigger.slug = dto.slug ?? trigger.slug;
    trigger.enabled = dto.enabled ?? trigger.enabled;
    trigger.idempotencyKeyPaths = dto.idempotencyKeyPaths ?? trigger.idempotencyKeyPaths;
    if (dto.secret !== undefined) {
      trigger.secret = dto.secret;
    }
    if (dto.dailyWatermark !== undefined) {
      trigger.dailyWatermark = dto.dailyWatermark;
    }
    if (dto.onDeadLetter !== undefined) {
      trigger.onDeadLetter = dto.onDeadLetter;
    }
    return toTriggerResponse(await this.save(trigger));
  }

  async remove(id: string): Promise<void> {
    const result = await this.triggers.delete({ id });
    if (result.affected === 0) {
      throw notFound(id);
    }
  }

  private async findOrFail(id: string): Promise<TriggerEntity> {
    const trigger = await this.triggers.findOneBy({ id });
    if (trigger === null) {
      throw notFound(id);
    }
    return trigger;
  }

  private async save(trigger: TriggerEntity): Promise<TriggerEntity> {
    try {
      return await this.triggers.save(trigger);
    } catch (error) {
      if (isSlugTaken(error)) {
        throw new TriggerError('slug_taken', `The slug "${trigger.slug}" is already used.`);
      }
      throw error;
    }
  }

  private mergeRetryPolicy(base: RetryPolicy, change: RetryPolicyDto | undefined): RetryPolicy {
    return {
      maxAttempts: change?.maxAttempts ?? base.maxAttempts,
      baseDelayMs: change?.baseDelayMs ?? base.baseDelayMs,
      maxDelayMs: change?.maxDelayMs ?? base.maxDelayMs,
      jitterMs: change?.jitterMs ?? base.jitterMs,
    };
  }
}

function notFound(id: string): TriggerError {
  return new TriggerError('trigger_not_found', `No trigger with id ${id}.`);
}

// Only the slug's own unique constraint means "taken"; any other failure stays an error.
function isSlugTaken(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === 'triggers_slug_key';
}

function toStoredAction(
  dto: HttpActionDto | WhatsappActionDto,
  previous: StoredAction | null,
): StoredAction {
  if (dto.type === 'http') {
    return {
      type: 'http',
      url: dto.url,
      method: dto.method ?? 'POST',
      headers: dto.headers ?? null,
      timeoutMs: dto.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
  }
  const apiKey = dto.apiKey ?? (previous?.type === 'whatsapp' ? previous.apiKey : null);
  if (apiKey === null) {
    throw new RequestError('validation_failed', 'action.apiKey is required for a WhatsApp action', [
      'action.apiKey is required for a WhatsApp action',
    ]);
  }
  return {
    type: 'whatsapp',
    baseUrl: dto.baseUrl,
    apiKey,
    toPath: dto.toPath,
    textTemplate: dto.textTemplate,
    timeoutMs: dto.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}
