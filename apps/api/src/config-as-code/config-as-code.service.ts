import { Injectable, Logger } from '@nestjs/common';
import type { ConfigDocument, ConfigFlowGroup, ConfigPlan } from '@triggerline/contracts';
import { isValidSlug } from '@triggerline/contracts';
import { PutFlowGroupDto } from '../flow-groups/dto/put-flow-group.dto';
import { FlowGroupsService, toConfigFlowGroup, toLimits } from '../flow-groups/flow-groups.service';
import { FlowGroupsStore } from '../flow/flow-groups.store';
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
import {
  canonicalJson,
  changedConfigFields,
  duplicateSlugs,
  toConfigTrigger,
} from './config-document';
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
    private readonly flowGroups: FlowGroupsService,
    private readonly flowGroupsStore: FlowGroupsStore,
  ) {}

  async export(): Promise<ConfigDocument> {
    const all = await this.triggers.storedBySlug();
    const groups = await this.flowGroupsStore.list();
    return { triggers: all.map(toConfigTrigger), flowGroups: groups.map(toConfigFlowGroup) };
  }

  /**
   * Applies the document in one transaction, all or nothing: the triggers it names are created
   * or updated through the trigger body's own rules (a field left out of a trigger keeps its
   * value, as in PATCH), and with `prune` the others are deleted. Answers the plan.
   */
  async apply(dto: ApplyConfigDto): Promise<ConfigPlan> {
    const checked = await checkDocument(dto.document);
    const groups = await checkFlowGroups(dto.document);
    const isDryRun = dto.dryRun === true;
    const changed: { before: TriggerEntity; after: TriggerEntity }[] = [];
    const plan = await this.triggers.inTransaction(async (writer) => {
      const existing = new Map((await writer.all()).map((trigger) => [trigger.slug, trigger]));
      const result: ConfigPlan = {
        create: [],
        update: [],
        delete: [],
        flowGroups: { create: [], update: [], delete: [] },
      };
      // Groups first: the triggers that name them find them.
      const storedGroups = new Map(
        (await this.flowGroupsStore.list(writer.sql)).map((group) => [group.name, group]),
      );
      for (const group of groups) {
        const stored = storedGroups.get(group.name);
        const before = stored === undefined ? null : toConfigFlowGroup(stored);
        const fields =
          before === null
            ? []
            : (Object.keys(group) as (keyof ConfigFlowGroup)[]).filter(
                (key) => canonicalJson(before[key]) !== canonicalJson(group[key]),
              );
        if (before === null) {
          result.flowGroups.create.push(group.name);
        } else if (fields.length > 0) {
          result.flowGroups.update.push({ name: group.name, fields });
        }
        if (!isDryRun && (before === null || fields.length > 0)) {
          await this.flowGroups.putIn(writer.sql, group.name, toLimits(group));
        }
      }
      const knownGroups = new Set(groups.map((group) => group.name));
      const problems: string[] = [];
      // The triggers as the document leaves them, for the route rules (SPEC §14).
      const after = new Map(existing);
      for (const { label, dto: item } of checked) {
        const stored = existing.get(item.slug);
        try {
          await this.triggers.prepareFlowGroup(item, { sql: writer.sql, isDryRun, knownGroups });
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
        const referenced = new Set([
          ...knownGroups,
          ...checked.flatMap(({ dto: item }) => item.flowGroup ?? item.watermarkGroup ?? []),
        ]);
        for (const name of storedGroups.keys()) {
          if (!referenced.has(name)) {
            result.flowGroups.delete.push(name);
            if (!isDryRun) {
              await this.flowGroups.removeIn(writer.sql, name);
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
  const raw = document as unknown as { triggers?: unknown };
  if (!Array.isArray(raw.triggers)) {
    throw invalidDocument(['document.triggers must be an array']);
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

/** Each flow group checked by the PUT body's DTO, its name slug-shaped and given once. */
async function checkFlowGroups(document: ConfigDocument): Promise<ConfigFlowGroup[]> {
  const raw = (document as unknown as { flowGroups?: unknown }).flowGroups ?? [];
  if (!Array.isArray(raw)) {
    throw invalidDocument(['document.flowGroups must be an array']);
  }
  const problems: string[] = [];
  const checked: ConfigFlowGroup[] = [];
  for (const [index, item] of (raw as unknown[]).entries()) {
    const { name, ...limits } = (item ?? {}) as { name?: unknown };
    const label = `flowGroups[${typeof name === 'string' ? name : index}].`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${label.slice(0, -1)} must be an object`);
      continue;
    }
    if (typeof name !== 'string' || !isValidSlug(name)) {
      problems.push(`${label}name must be lowercase letters, digits and dashes, 1 to 63`);
      continue;
    }
    const dto = plainToInstance(PutFlowGroupDto, limits);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      problems.push(...describeValidationErrors(errors).map((detail) => label + detail));
      continue;
    }
    checked.push({ name, ...toLimits(dto) });
  }
  for (const name of duplicateSlugs(checked.map((group) => group.name))) {
    problems.push(`flowGroups[${name}].name is given more than once`);
  }
  if (problems.length > 0) {
    throw invalidDocument(problems);
  }
  return checked;
}

function invalidDocument(details: string[]): RequestError {
  return new RequestError('validation_failed', details[0], details);
}
