/** "This uses 3 credits; your balance after: 97", or, when the balance is short, what is missing and where to buy. */
import { localePath } from '../../i18n/locales';
import { useI18n } from '../common';
import { useBuilder } from './state';

export function Quote({ id, cost }: { id?: string; cost: number }) {
  const { t, plural, locale } = useI18n();
  const { balance } = useBuilder();
  if (balance < cost) {
    return (
      <p id={id} className="quote short">
        {t('builder.quoteShort', { balance: plural('unit.credits', balance), cost: plural('unit.credits', cost) })}{' '}
        <a href={localePath(locale, '/pricing/')}>{t('builder.buyCredits')}</a>
      </p>
    );
  }
  return (
    <p id={id} className="quote">
      {t('builder.quote', { cost: plural('unit.credits', cost), after: plural('unit.credits', Math.round((balance - cost) * 10) / 10) })}
    </p>
  );
}
