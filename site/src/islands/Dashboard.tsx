/**
 * The signed-in home: plan and credits (GET /api/me), the daily bonus, and the owner's projects
 * (list and create). Sends visitors without a session to the sign-in page.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, supabase } from '../lib/api';

interface Me {
  plan: { tier: string | null; periodEnd: string | null };
  credits: { daily: number; monthly: number; purchased: number; total: number; bonusAvailable: boolean; nextBonusAt: string | null };
}
interface Project {
  id: string;
  name: string;
  slug: string;
}

const TIER_NAMES: Record<string, string> = { basic: 'الأساسية', pro: 'الاحترافية', premium: 'المميزة', enterprise: 'المؤسسات' };
const number = new Intl.NumberFormat('ar-KW', { maximumFractionDigits: 1 });

export default function Dashboard() {
  const [me, setMe] = useState<Me>();
  const [projects, setProjects] = useState<Project[]>([]);
  const [notice, setNotice] = useState<{ kind: 'error' | 'ok'; text: string }>();
  const [busy, setBusy] = useState(false);

  const fail = (error: unknown) =>
    setNotice({ kind: 'error', text: error instanceof ApiError ? error.message : 'حدث خطأ غير متوقع، حاول مرة أخرى' });

  async function load() {
    const [meBody, list] = await Promise.all([api<Me>('/api/me'), api<{ projects: Project[] }>('/api/projects')]);
    setMe(meBody);
    setProjects(list.projects);
  }

  useEffect(() => {
    (async () => {
      const { data } = await (await supabase()).auth.getSession();
      if (!data.session) return location.replace('/signin/');
      await load();
    })().catch(fail);
  }, []);

  async function claimBonus() {
    setBusy(true);
    try {
      const result = await api<{ amount: number }>('/api/credits/daily-bonus', { method: 'POST' });
      setNotice({ kind: 'ok', text: `أضفنا ${number.format(result.amount)} رصيداً يومياً` });
      await load();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  }

  async function createProject(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) return;
    setBusy(true);
    try {
      const { project } = await api<{ project: Project }>('/api/projects', { method: 'POST', body: JSON.stringify({ name }) });
      setProjects((current) => [project, ...current]);
      setNotice({ kind: 'ok', text: `أنشأنا مشروع «${project.name}»` });
      form.reset();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    await (await supabase()).auth.signOut();
    location.assign('/');
  }

  if (!me) return <p role="status">{notice?.text ?? 'جارٍ التحميل…'}</p>;

  return (
    <div className="dashboard">
      <p className={`notice ${notice?.kind ?? ''}`} role={notice?.kind === 'error' ? 'alert' : 'status'}>
        {notice?.text ?? ''}
      </p>
      <section className="card" aria-labelledby="credits-title">
        <h2 id="credits-title">رصيدك</h2>
        <p className="balance" data-testid="credits-total">
          {number.format(me.credits.total)}
        </p>
        <p>الباقة: {me.plan.tier ? TIER_NAMES[me.plan.tier] : 'لا توجد باقة فعّالة'}</p>
        {me.credits.bonusAvailable && (
          <button type="button" onClick={claimBonus} disabled={busy}>
            احصل على الرصيد اليومي
          </button>
        )}
      </section>
      <section className="card" aria-labelledby="projects-title">
        <h2 id="projects-title">مشاريعك</h2>
        <form onSubmit={createProject}>
          <label htmlFor="project-name">اسم المشروع</label>
          <input id="project-name" name="name" maxLength={80} required disabled={busy} />
          <button type="submit" disabled={busy}>
            إنشاء مشروع
          </button>
        </form>
        {projects.length === 0 ? (
          <p>لا توجد مشاريع بعد.</p>
        ) : (
          <ul className="projects">
            {projects.map((project) => (
              <li key={project.id}>
                <strong>{project.name}</strong> <span dir="ltr">{project.slug}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <button type="button" className="link" onClick={signOut}>
        تسجيل الخروج
      </button>
    </div>
  );
}
