/**
 * The services clients can book: each with its Arabic and English name, duration, price and the
 * break after it. Prices are typed in KWD (up to three decimals, Western or Arabic-Indic digits)
 * and sent as integer fils, never through a float. There is no deleting a service (bookings point
 * at it): the owner stops offering it, after a confirmation, and may offer it again.
 */
import { useState, type SubmitEvent } from 'react';
import { serviceBody, type ServiceBody } from '../../../../shared/booking';
import { asciiDigits } from '../../../../shared/digits';
import { filsToKwdString, kwdToFils } from '../../../../shared/pricing';
import { isolate, type TextKey } from '../../i18n';
import { formatFils } from '../../lib/format';
import { useCalm, useI18n } from '../common';
import { ConfirmDialog } from './ConfirmDialog';
import { useApi, type Service } from './data';
import { Field, invalidFields, wholeNumber } from './Field';

interface Draft {
  nameAr: string;
  nameEn: string;
  duration: string;
  price: string;
  buffer: string;
}

const EMPTY: Draft = { nameAr: '', nameEn: '', duration: '60', price: '', buffer: '0' };

const MESSAGES: Record<string, TextKey> = {
  nameAr: 'setup.nameInvalid',
  nameEn: 'setup.nameInvalid',
  durationMinutes: 'setup.durationInvalid',
  priceFils: 'setup.priceInvalid',
  bufferMinutes: 'setup.bufferInvalid',
};

/** "7.5" / "٧٫٥" → 7500 fils, by digits (shared/pricing); NaN for anything that is not an exact amount. */
const parseFils = (text: string) => kwdToFils(asciiDigits(text.trim()).replace('٫', '.')) ?? NaN;

const draftOf = (service: Service): Draft => ({
  nameAr: service.nameAr,
  nameEn: service.nameEn,
  duration: String(service.durationMinutes),
  price: filsToKwdString(service.priceFils),
  buffer: String(service.bufferMinutes ?? 0),
});

const inputOf = (service: Service, active: boolean): ServiceBody => ({
  nameAr: service.nameAr,
  nameEn: service.nameEn,
  durationMinutes: service.durationMinutes,
  priceFils: service.priceFils,
  bufferMinutes: service.bufferMinutes ?? 0,
  active,
});

/** Adds or edits one service; what was typed stays until the API has accepted it. */
function ServiceForm({
  initial,
  legend,
  submit,
  active,
  onSave,
  onCancel,
}: {
  initial: Draft;
  legend: string;
  submit: string;
  active: boolean;
  onSave: (input: ServiceBody) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(initial);
  const [invalid, setInvalid] = useState(new Set<string>());
  const [busy, setBusy] = useState(false);
  const field = (key: keyof Draft) => ({
    value: draft[key],
    disabled: busy,
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value }),
  });
  const error = (key: string) => (invalid.has(key) ? t(MESSAGES[key]!) : undefined);

  async function save(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const candidate = {
      nameAr: draft.nameAr,
      nameEn: draft.nameEn,
      durationMinutes: wholeNumber(draft.duration),
      priceFils: parseFils(draft.price),
      bufferMinutes: wholeNumber(draft.buffer),
      active,
    };
    const checked = serviceBody().safeParse(candidate);
    setInvalid(checked.success ? new Set() : invalidFields(checked.error.issues));
    if (!checked.success) return;
    setBusy(true);
    if ((await onSave(checked.data)) && !onCancel) setDraft(EMPTY);
    setBusy(false);
  }

  return (
    <form
      className="service-form"
      onSubmit={(event) => void save(event)}
      onKeyDown={(event) => event.key === 'Escape' && onCancel?.()}
      noValidate
    >
      <fieldset>
        <legend>{legend}</legend>
        <div className="field-grid">
          <Field label={t('setup.nameAr')} maxLength={80} dir="rtl" lang="ar" {...field('nameAr')} error={error('nameAr')} />
          <Field label={t('setup.nameEn')} maxLength={80} dir="ltr" lang="en" {...field('nameEn')} error={error('nameEn')} />
          <Field label={t('setup.duration')} inputMode="numeric" dir="ltr" {...field('duration')} error={error('durationMinutes')} />
          <Field
            label={t('setup.price')}
            hint={t('setup.priceHint')}
            inputMode="decimal"
            dir="ltr"
            {...field('price')}
            error={error('priceFils')}
          />
          <Field label={t('setup.buffer')} inputMode="numeric" dir="ltr" {...field('buffer')} error={error('bufferMinutes')} />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {submit}
          </button>
          {onCancel && (
            <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}

export function BookingServices({ projectId, initial }: { projectId: string; initial: Service[] }) {
  const { t, plural, locale } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [services, setServices] = useState(initial);
  const [editing, setEditing] = useState<string>();
  const [stopping, setStopping] = useState<Service>();
  const nameOf = (service: { nameAr: string; nameEn: string }) => (locale === 'ar' ? service.nameAr : service.nameEn);
  const replace = (saved: Service) => setServices((list) => list.map((item) => (item.id === saved.id ? saved : item)));

  const create = (input: ServiceBody) =>
    calm(
      async () => {
        const { service } = await (await api.api.projects[':id'].services.$post({ param: { id: projectId }, json: input })).json();
        setServices((list) => [...list, service]);
        return service;
      },
      (service) => t('setup.added', { name: isolate(nameOf(service)) }),
    );

  const update = (service: Service, input: ServiceBody, success: TextKey) =>
    calm(
      async () => {
        const param = { id: projectId, serviceId: service.id };
        const { service: saved } = await (await api.api.projects[':id'].services[':serviceId'].$put({ param, json: input })).json();
        replace(saved);
        return saved;
      },
      (saved) => t(success, { name: isolate(nameOf(saved)) }),
    );

  const facts = (service: Service) => {
    const values = {
      duration: plural('unit.minutes', service.durationMinutes),
      price: formatFils(locale, service.priceFils),
      buffer: plural('unit.minutes', service.bufferMinutes ?? 0),
    };
    return service.bufferMinutes ? t('setup.factsBuffer', values) : t('setup.facts', values);
  };

  return (
    <section className="setup-section" aria-labelledby={`${projectId}-services`}>
      <h4 id={`${projectId}-services`}>{t('setup.services')}</h4>
      {services.length === 0 ? (
        <p>{t('setup.servicesEmpty')}</p>
      ) : (
        <ul className="service-list" data-testid="services">
          {services.map((service) =>
            editing === service.id ? (
              <li key={service.id}>
                <ServiceForm
                  initial={draftOf(service)}
                  legend={t('setup.editService', { name: isolate(nameOf(service)) })}
                  submit={t('common.save')}
                  active={service.active ?? true}
                  onSave={async (input) => {
                    const saved = await update(service, input, 'setup.saved');
                    if (saved) setEditing(undefined);
                    return saved;
                  }}
                  onCancel={() => setEditing(undefined)}
                />
              </li>
            ) : (
              <li key={service.id} className={service.active === false ? 'inactive' : undefined}>
                <span className="service-name">
                  <bdi>{nameOf(service)}</bdi>{' '}
                  <span className="muted" lang={locale === 'ar' ? 'en' : 'ar'}>
                    <bdi>{locale === 'ar' ? service.nameEn : service.nameAr}</bdi>
                  </span>
                </span>
                <span>{facts(service)}</span>
                {service.active === false && <span className="status status-cancelled">{t('setup.inactive')}</span>}
                <div className="actions">
                  <button type="button" className="secondary" onClick={() => setEditing(service.id)}>
                    {t('setup.edit')}
                  </button>
                  {service.active === false ? (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void update(service, inputOf(service, true), 'setup.activated')}
                    >
                      {t('setup.activate')}
                    </button>
                  ) : (
                    <button type="button" className="secondary danger-text" onClick={() => setStopping(service)}>
                      {t('setup.deactivate')}
                    </button>
                  )}
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      <ServiceForm initial={EMPTY} legend={t('setup.newService')} submit={t('setup.add')} active onSave={create} />
      {stopping && (
        <ConfirmDialog
          title={t('setup.deactivateTitle', { name: isolate(nameOf(stopping)) })}
          body={t('setup.deactivateBody')}
          confirm={t('setup.deactivate')}
          onConfirm={() => void update(stopping, inputOf(stopping, false), 'setup.deactivated')}
          onClose={() => setStopping(undefined)}
        />
      )}
    </section>
  );
}
