import { Injectable, Logger } from '@nestjs/common';
import type { ConfigDocument, ConfigPlan } from '@triggerline/contracts';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { RequestError } from '../http/request.errors';
import { describeValidationErrors } from '../http/validation';
import { SecretBox } from '../secrets/secret-box';
import { CreateTriggerDto } from '../triggers/dto/create-trigger.dto';
import { listSecrets } from '../triggers/stored-secrets';
import type { TriggerEntity } from '../triggers/trigger.entity';
import { routeProblems, routingOf } from '../triggers/route-integrity';
import { TriggersService } from '../triggers/triggers.service';
import { changedConfigFields, duplicateSlugs, toConfigTrigger } from './config-document';
import type { ApplyConfigDto } from './dto/apply-config.dto';

/** A document's trigger, checked, with the name it goes by in messages. */
interface CheckedTrigger {
  label: string;
  dto: CreateTriggerDto;
}

@Injectable()
export class ConfigAsCodeService {
  private readonly logger = new Logger('ConfigAsCode');

  constructor(
    private readonly triggers: TriggersService,
    private readonly box: SecretBox,
  ) {}

  async export(): Promise<ConfigDocument> {
    const all = await this.triggers.storedBySlug();
    // Flow groups are not a resource yet: a trigger's watermarkGroup carries its group.
    return { triggers: all.map(toConfigTrigger), flowGroups: [] };
  }

  /**
   * Applies the document in one transaction, all or nothing: the triggers it names are created
   * or updated through the trigger body's own rules (a field left out of a trigger keeps its
   * value, as in PATCH), and with `prune` the others are deleted. Answers the plan.
   */
  async apply(dto: ApplyConfigDto): Promise<ConfigPlan> {
    const checked = await checkDocument(dto.document);
    const isDryRun = dto.dryRun === true;
    const changed: { before: TriggerEntity; after: TriggerEntity }[] = [];
    const plan = await this.triggers.inTransaction(async (writer) => {
      const existing = new Map((await writer.all()).map((trigger) => [trigger.slug, trigger]));
      const result: ConfigPlan = { create: [], update: [], delete: [] };
      const problems: string[] = [];
      // The triggers as the document leaves them, for the route rules (SPEC §14).
      const after = new Map(existing);
      for (const { label, dto: item } of checked) {
        const stored = existing.get(item.slug);
        try {
          if (stored === undefined) {
            const created = this.triggers.newTrigger(item);
            after.set(item.slug, created);
            result.create.push(item.slug);
            if (!isDryRun) {
              await writer.save(created);
            }
            continue;
          }
          const before = structuredClone(stored);
          this.triggers.applyChanges(stored, item);
          const fields = changedConfigFields({
            before: toConfigTrigger(before),
            after: toConfigTrigger(stored),
            secretsBefore: this.openSecrets(before),
            secretsAfter: this.openSecrets(stored),
          });
          if (fields.length > 0) {
            result.update.push({ slug: item.slug, fields });
            if (!isDryRun) {
              changed.push({ before, after: await writer.save(stored) });
            }
          }
        } catch (error) {
          if (!(error instanceof RequestError) || error.code !== 'validation_failed') {
            throw error;
          }
          problems.push(...(error.details ?? [error.message]).map((detail) => label + detail));
        }
      }
      const named = new Set(checked.map(({ dto: item }) => item.slug));
      if (dto.prune === true) {
        for (const slug of existing.keys()) {
          if (!named.has(slug)) {
            after.delete(slug);
          }
        }
      }
      for (const problem of routeProblems([...after.values()].map(routingOf))) {
        problems.push(`triggers[${problem.slug}].${problem.message}`);
      }
      if (problems.length > 0) {
        throw invalidDocument(problems);
      }
      if (dto.prune === true) {
        for (const [slug, trigger] of existing) {
          if (!named.has(slug)) {
            result.delete.push(slug);
            if (!isDryRun) {
              await writer.remove(trigger);
            }
          }
        }
      }
      return result;
    });
    for (const { before, after } of changed) {
      await this.triggers.afterChange(before, after);
    }
    this.logger.log({
      evt: isDryRun ? 'config_planned' : 'config_applied',
      create: plan.create.length,
      update: plan.update.length,
      delete: plan.delete.length,
    });
    return plan;
  }

  // Opened, so that a secret sent again with its stored value is no change.
  private openSecrets(trigger: TriggerEntity): Map<string, string> {
    return new Map(
      listSecrets(trigger).map(({ field, value }) => [
        field,
        SecretBox.isSealed(value) ? this.box.open(value) : value,
      ]),
    );
  }
}

/** Each trigger checked by the create body's DTO; every problem named by slug and field. */
async function checkDocument(document: ConfigDocument): Promise<CheckedTrigger[]> {
  const raw = document as unknown as { triggers?: unknown; flowGroups?: unknown };
  if (!Array.isArray(raw.triggers)) {
    throw invalidDocument(['document.triggers must be an array']);
  }
  if (
    raw.flowGroups !== undefined &&
    !(Array.isArray(raw.flowGroups) && raw.flowGroups.length === 0)
  ) {
    throw invalidDocument([
      "document.flowGroups must be empty: a trigger's watermarkGroup names its flow group",
    ]);
  }
  const problems: string[] = [];
  const checked: CheckedTrigger[] = [];
  for (const [index, item] of (raw.triggers as unknown[]).entries()) {
    const slug = (item as { slug?: unknown } | null)?.slug;
    const label = `triggers[${typeof slug === 'string' ? slug : index}].`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${label.slice(0, -1)} must be an object`);
      continue;
    }
    const dto = plainToInstance(CreateTriggerDto, item);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      problems.push(...describeValidationErrors(errors).map((detail) => label + detail));
      continue;
    }
    checked.push({ label, dto });
  }
  for (const slug of duplicateSlugs(checked.map(({ dto }) => dto.slug))) {
    problems.push(`triggers[${slug}].slug is given more than once`);
  }
  if (problems.length > 0) {
    throw invalidDocument(problems);
  }
  return checked;
}

function invalidDocument(details: string[]): RequestError {
  return new RequestError('validation_failed', details[0], details);
}
