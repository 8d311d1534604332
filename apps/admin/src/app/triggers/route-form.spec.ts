import { describe, expect, it } from 'vitest';
import { httpTriggerWith } from '../../testing/fixtures';
import { buildRouteGroup, buildRoutesArray, setRoutes, toRoutes } from './route-form';
import { buildTriggerForm, fillTriggerForm, toTriggerBody } from './trigger-form-model';

describe(toRoutes.name, () => {
  it('reads each row, an empty filter as none', () => {
    expect(
      toRoutes([
        { trigger: ' a ', filter: '' },
        { trigger: 'b', filter: '{"body.x": 1}' },
      ]),
    ).toEqual([
      { trigger: 'a', filter: null },
      { trigger: 'b', filter: { 'body.x': 1 } },
    ]);
  });
});

describe(buildRoutesArray.name, () => {
  it('refuses a missing or malformed slug, a filter that is not JSON, and a repeated trigger', () => {
    const sut = buildRoutesArray();
    setRoutes(sut, [{ trigger: 'crm', filter: { 'body.event': 'paid' } }]);
    expect(sut.valid).toBe(true);
    expect(sut.at(0).controls.filter.value).toBe('{"body.event":"paid"}');

    sut.push(buildRouteGroup());
    expect(sut.at(1).controls.trigger.hasError('required')).toBe(true);
    sut.at(1).controls.trigger.setValue('Not A Slug');
    expect(sut.at(1).controls.trigger.hasError('pattern')).toBe(true);
    sut.at(1).controls.trigger.setValue('crm');
    expect(sut.hasError('repeatedTrigger')).toBe(true);
    sut.at(1).controls.trigger.setValue('ai');
    sut.at(1).controls.filter.setValue('{ nope');
    expect(sut.at(1).controls.filter.hasError('filter')).toBe(true);
    sut.at(1).controls.filter.setValue('');
    expect(sut.valid).toBe(true);
  });
});

describe('a pure router in the trigger form', () => {
  it('shows "no action" with its routes, and sends action null', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(
      sut,
      httpTriggerWith({ action: null, routes: [{ trigger: 'crm', filter: null }] }),
    );
    expect(sut.controls.actionType.value).toBe('none');
    expect(sut.controls.http.disabled && sut.controls.whatsapp.disabled).toBe(true);
    expect(sut.valid).toBe(true);
    const body = toTriggerBody(sut.getRawValue(), 'edit');
    expect(body.action).toBeNull();
    expect(body.routes).toEqual([{ trigger: 'crm', filter: null }]);
  });
});
