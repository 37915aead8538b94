/** The built-in recognizers, in one typed list. */
import type { Recognizer } from '../types';
import { emailRecognizer, phoneRecognizer } from './contact';
import { dateRecognizer } from './datetime';
import { creditCardRecognizer, cryptoRecognizer, ibanRecognizer } from './financial';
import { ssnRecognizer, usDriverLicenseRecognizer, usPassportRecognizer } from './government';
import { ipRecognizer, macRecognizer, urlRecognizer } from './network';
import { nerRecognizer } from './ner';
import { secretRecognizer } from './secrets';

export const BUILTIN_RECOGNIZERS: readonly Recognizer[] = [
  emailRecognizer,
  phoneRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  cryptoRecognizer,
  ssnRecognizer,
  usPassportRecognizer,
  usDriverLicenseRecognizer,
  ipRecognizer,
  macRecognizer,
  urlRecognizer,
  dateRecognizer,
  secretRecognizer,
  nerRecognizer,
];

/** Every entity type the built-in recognizers report; `secret.*` stands for all secret kinds. */
export const BUILTIN_ENTITIES: readonly string[] = [...new Set(BUILTIN_RECOGNIZERS.flatMap((r) => r.entities))];

export {
  emailRecognizer,
  phoneRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  cryptoRecognizer,
  ssnRecognizer,
  usPassportRecognizer,
  usDriverLicenseRecognizer,
  ipRecognizer,
  macRecognizer,
  urlRecognizer,
  dateRecognizer,
  secretRecognizer,
  nerRecognizer,
};
