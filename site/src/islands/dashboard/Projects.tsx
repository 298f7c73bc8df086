/**
 * The owner's projects: create one, rename it in place, delete it after a confirmation, and open
 * its panels (bookings, logo and images, booking setup, domains). A name of only spaces is refused at the field; what was typed stays until the API
 * has accepted it, so a failed request can be retried from its toast as it was.
 */
import { useId, useState, type Dispatch, type SubmitEvent, type SetStateAction } from 'react';
import { isolate } from '../../i18n';
import { useCalm, useI18n } from '../common';
import ProjectAssets from '../ProjectAssets';
import { Bookings } from './Bookings';
import { BookingSetup } from './BookingSetup';
import { ConfirmDialog } from './ConfirmDialog';
import { Domains, domainsPanelWasOpen, forgetDomainsPanel } from './Domains';
import { useApi, type Project } from './data';
import { localePath } from '../../i18n/locales';

/** The builder of a project's site. */
export const builderHref = (locale: Parameters<typeof localePath>[0], projectId: string) =>
  `${localePath(locale, '/dashboard/builder/')}?project=${encodeURIComponent(projectId)}`;

/** A project-name field with its own validation message. */
function NameField({
  id,
  label,
  value,
  onChange,
  invalid,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  disabled: boolean;
}) {
  const { t } = useI18n();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name="name"
        maxLength={80}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-error`}
        disabled={disabled}
      />
      <p id={`${id}-error`} className="error" role="alert">
        {invalid ? t('projects.nameRequired') : ''}
      </p>
    </>
  );
}

/** Tracks a name being typed: `submit()` refuses a blank one, else hands the trimmed name to `save`. */
function useNameForm(initial: string, save: (name: string) => Promise<unknown>) {
  const [name, setName] = useState(initial);
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    setInvalid(!trimmed);
    if (!trimmed) return;
    setBusy(true);
    await save(trimmed);
    setBusy(false);
  }
  const change = (value: string) => {
    setName(value);
    if (invalid && value.trim()) setInvalid(false);
  };
  return { name, setName, change, invalid, busy, submit };
}

function CreateProject({ onCreated }: { onCreated: (project: Project) => void }) {
  const { t } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const form = useNameForm('', (name) =>
    calm(
      async () => {
        const { project } = await (await api.api.projects.$post({ json: { name } })).json();
        onCreated(project);
        form.setName('');
        return project;
      },
      (project) => t('projects.created', { name: isolate(project.name) }),
    ),
  );
  return (
    <form className="inline-form" onSubmit={(event) => void form.submit(event)} noValidate>
      <NameField
        id="project-name"
        label={t('projects.name')}
        value={form.name}
        onChange={form.change}
        invalid={form.invalid}
        disabled={form.busy}
      />
      <button type="submit" disabled={form.busy}>
        {t('projects.create')}
      </button>
    </form>
  );
}

function RenameProject({
  project,
  onRenamed,
  onCancel,
}: {
  project: Project;
  onRenamed: (project: Project) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const id = useId();
  const form = useNameForm(project.name, (name) =>
    calm(
      async () => {
        const { project: renamed } = await (await api.api.projects[':id'].$patch({ param: { id: project.id }, json: { name } })).json();
        onRenamed(renamed);
        return renamed;
      },
      (renamed) => t('projects.renamed', { name: isolate(renamed.name) }),
    ),
  );
  return (
    <form
      className="inline-form"
      onSubmit={(event) => void form.submit(event)}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
      noValidate
    >
      <NameField
        id={id}
        label={t('projects.renameLabel', { name: isolate(project.name) })}
        value={form.name}
        onChange={form.change}
        invalid={form.invalid}
        disabled={form.busy}
      />
      <div className="actions">
        <button type="submit" disabled={form.busy}>
          {t('common.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={form.busy}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

interface Panel {
  id: string;
  open: boolean;
  toggle: () => void;
}

/** A project's panel that opens below it: its element id and whether it is open; `onToggle` sees the new state. */
function usePanel(initial: boolean | (() => boolean), onToggle?: (open: boolean) => void): Panel {
  const id = useId();
  const [open, setOpen] = useState(initial);
  return {
    id,
    open,
    toggle: () => {
      onToggle?.(!open);
      setOpen(!open);
    },
  };
}

function PanelToggle({ panel, label }: { panel: Panel; label: string }) {
  return (
    <button type="button" className="secondary" aria-expanded={panel.open} aria-controls={panel.id} onClick={panel.toggle}>
      {label}
    </button>
  );
}

function ProjectItem({
  project,
  fresh,
  setProjects,
  onDelete,
}: {
  project: Project;
  /** Just created: its next step, the site, is offered first. */
  fresh: boolean;
  setProjects: Dispatch<SetStateAction<Project[]>>;
  onDelete: (project: Project) => void;
}) {
  const { t, locale } = useI18n();
  const [renaming, setRenaming] = useState(false);
  const bookings = usePanel(false);
  const images = usePanel(false);
  const setup = usePanel(false);
  const domains = usePanel(
    () => domainsPanelWasOpen(project.id),
    (open) => open || forgetDomainsPanel(),
  );

  return (
    <li className="project" data-testid="project">
      {renaming ? (
        <RenameProject
          project={project}
          onCancel={() => setRenaming(false)}
          onRenamed={(renamed) => {
            setProjects((list) => list.map((item) => (item.id === renamed.id ? renamed : item)));
            setRenaming(false);
          }}
        />
      ) : (
        <div className="project-head">
          <strong className="project-name">
            <bdi>{project.name}</bdi>
          </strong>
          <span className="project-slug">
            <span className="muted">{t('projects.address')}</span>{' '}
            <bdi dir="ltr" className="address">
              {project.slug}
            </bdi>
          </span>
        </div>
      )}
      {fresh && (
        <div className="next-step" data-testid="next-step">
          <p>{t('projects.nextStep')}</p>
          <a className="button" href={builderHref(locale, project.id)}>
            {t('projects.startSite')}
          </a>
        </div>
      )}
      <div className="actions">
        {!fresh && (
          <a className="button small" href={builderHref(locale, project.id)}>
            {t('projects.editSite')}
          </a>
        )}
        {!renaming && (
          <button type="button" className="secondary" onClick={() => setRenaming(true)}>
            {t('projects.rename')}
          </button>
        )}
        <PanelToggle panel={bookings} label={t('projects.showBookings')} />
        <PanelToggle panel={images} label={t('projects.showImages')} />
        <PanelToggle panel={setup} label={t('projects.showSetup')} />
        <PanelToggle panel={domains} label={t('domains.show')} />
        <button type="button" className="secondary danger-text" onClick={() => onDelete(project)}>
          {t('projects.delete')}
        </button>
      </div>
      {bookings.open && <Bookings project={project} id={bookings.id} />}
      {setup.open && <BookingSetup project={project} id={setup.id} />}
      {images.open && (
        <div id={images.id}>
          <ProjectAssets projectId={project.id} locale={locale} />
        </div>
      )}
      {domains.open && <Domains project={project} id={domains.id} />}
    </li>
  );
}

export function Projects({ projects, setProjects }: { projects: Project[]; setProjects: Dispatch<SetStateAction<Project[]>> }) {
  const { t } = useI18n();
  const calm = useCalm();
  const api = useApi();
  const [deleting, setDeleting] = useState<Project>();
  const [freshId, setFreshId] = useState<string>();

  const remove = (project: Project) =>
    calm(
      async () => {
        await api.api.projects[':id'].$delete({ param: { id: project.id } });
        setProjects((list) => list.filter((item) => item.id !== project.id));
      },
      () => t('projects.deleted', { name: isolate(project.name) }),
    );

  return (
    <section className="card" aria-labelledby="projects-title">
      <h2 id="projects-title">{t('projects.heading')}</h2>
      <CreateProject
        onCreated={(project) => {
          setFreshId(project.id);
          setProjects((list) => [project, ...list]);
        }}
      />
      {projects.length === 0 ? (
        <p>{t('projects.empty')}</p>
      ) : (
        <ul className="projects">
          {projects.map((project) => (
            <ProjectItem
              key={project.id}
              project={project}
              fresh={project.id === freshId}
              setProjects={setProjects}
              onDelete={setDeleting}
            />
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('projects.deleteTitle', { name: isolate(deleting.name) })}
          body={t('projects.deleteBody')}
          confirm={t('projects.deleteConfirm')}
          onConfirm={() => void remove(deleting)}
          onClose={() => setDeleting(undefined)}
        />
      )}
    </section>
  );
}
