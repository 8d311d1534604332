import { httpTriggerWith } from '../../testing/fixtures';
import {
  buildDeliveryOrderForm,
  deliveryOrderFormValue,
  toDeliveryOrderBody,
  windowOf,
} from './delivery-order-form';

describe('delivery order form', () => {
  const window = {
    timezone: 'America/Sao_Paulo',
    days: [1, 2, 3, 4, 5],
    from: '08:00',
    to: '20:00',
  };

  it('reads no window from empty fields, a window or its problem otherwise', () => {
    expect(windowOf({ timezone: '', days: '', from: '', to: '' })).toBeNull();
    expect(
      windowOf({ timezone: 'America/Sao_Paulo', days: '1, 2,3 4,5', from: '08:00', to: '20:00' }),
    ).toEqual(window);
    expect(windowOf({ timezone: 'Nowhere/City', days: '', from: '08:00', to: '20:00' })).toEqual({
      problem: expect.stringMatching(/timezone/),
    });
    expect(windowOf({ timezone: 'UTC', days: '9', from: '08:00', to: '20:00' })).toEqual({
      problem: expect.stringMatching(/days/),
    });
  });

  it('shows a stored trigger and sends it back unchanged on edit', () => {
    const trigger = httpTriggerWith({
      orderingKeyPath: 'data.key.remoteJid',
      orderingOnDeadLetter: 'block',
      deliveryWindow: window,
      delayMs: 3000,
    });
    const sut = buildDeliveryOrderForm();
    sut.setValue(deliveryOrderFormValue(trigger));
    expect(sut.valid).toBe(true);
    expect(toDeliveryOrderBody(sut.getRawValue(), 'edit')).toEqual({
      orderingKeyPath: 'data.key.remoteJid',
      orderingOnDeadLetter: 'block',
      deliveryWindow: window,
      delayMs: 3000,
    });
  });

  it('leaves out on create what is off, and refuses an incomplete window', () => {
    const sut = buildDeliveryOrderForm();
    expect(toDeliveryOrderBody(sut.getRawValue(), 'create')).toEqual({});
    sut.controls.window.patchValue({ timezone: 'UTC', from: '08:00' });
    expect(sut.controls.window.errors).toEqual({
      window: expect.stringMatching(/deliveryWindow\.to/),
    });
  });
});
