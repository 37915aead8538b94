/**
 * Multilingual concept lexicon: words and phrases in English, Spanish, French, German, Portuguese,
 * Italian, Russian, Chinese, Japanese, Hindi and Arabic mapped to a small set of language-neutral
 * concepts (IGNORE, PRIOR, INSTR, ...). The signature rules and the classifier's concept features read
 * the concept stream, so a rule written once ("IGNORE near INSTR and PRIOR") holds in every language,
 * and what the classifier learns from English data about concepts carries over to the others.
 *
 * Entry syntax: `word` exact token; `stem*` token prefix; `two words` consecutive tokens (the last may
 * be a stem); Chinese and Japanese entries match as substrings. Entries are folded like the text
 * (lower case, Latin accents stripped), so they may be written with accents.
 */
import { EXTRA_CONCEPT_LEXICON } from './lexicon-more';

// A concept's index seeds its hashed classifier features, so inserting one reshuffles every feature after it and retraining moves
// borderline rows for no reason of its own. Concepts from `FIRST_RULE_ONLY_CONCEPT` on are read by the rules only, never by the
// classifier: a rule's word list then adds evidence without retraining noise (each new concept feature moved borderline rows of other
// sources by a row or two). So: a new rule-only concept goes at the very end; a new classifier concept goes right before
// `FIRST_RULE_ONLY_CONCEPT` (which moves only rule-only indexes, that no feature reads), never after it, where it would be silently
// left out of the features.
export const CONCEPTS = [
  'IGNORE', 'PRIOR', 'BEFORE', 'INSTR', 'ALL', 'YOU', 'YOUR', 'NEW', 'REVEAL', 'ASK', 'SECRET', 'SYSPROMPT', 'ACT', 'AI', 'UNRESTRICTED',
  'JAILBREAK', 'JAILBREAK_WORD', 'MODE', 'ENABLE', 'POLICY', 'VOID', 'NEG', 'FOLLOW', 'TASK', 'RESPONSE', 'CODE', 'USER', 'SEND',
  'NOW', 'SAY', 'DATA', 'TEXTREF', 'REFUSE', 'ALWAYS', 'CHARACTER', 'ATTENTION', 'LINK', 'HISTORY', 'TOOL', 'CALL', 'CHANGE', 'OPPOSITE', 'HOWTO', 'GIVEN', 'AUTHORITY', 'I_AM', 'NO_LONGER', 'ROLE', 'BOUNDARY', 'MODE_NAME', 'ADDRESS_AI', 'CODEREF',
  'GEN_TASK', 'POLITE', 'MY', 'SECRET_CARE', 'PERSONAL', 'DONE', 'SWITCH', 'STOP', 'FUNCTION', 'PERSONA_SWITCH', 'ARTIFACT', 'NOTIFY', 'DONT', 'ABOVE_MESSAGE', 'YOUR_SETUP', 'WAS_A_TEST', 'REAL_TASK', 'JOIN_PARTS', 'TWO_ANSWERS', 'TOOLING', 'ORDERS', 'ATTACK_TOPIC', 'REPORTING', 'CANCELLED', 'AI_READER', 'SPELL_OUT', 'OTHER_USERS', 'FICTION_FRAME', 'HARM_ITEM', 'PROCEDURE', 'LICENSE_KEYS', 'COUNTERING', 'EVIL', 'PART_LABEL', 'CREDENTIAL', 'DISGUISE', 'COMPROMISED', 'REGARDLESS', 'ONLY', 'CRIME', 'WRITTEN', 'ABOUT', 'CONSEQUENCE', 'NEW_INSTRUCTIONS', 'BOSS', 'JOIN_VERB', 'APOLOGY',
] as const;
export type Concept = (typeof CONCEPTS)[number];
export const FIRST_RULE_ONLY_CONCEPT: Concept = 'EVIL';

type Lexicon = Readonly<Record<Concept, readonly string[]>>;

export const LEXICON: Lexicon = {
  IGNORE: [
    'skip', 'disobey', 'disobeys', 'desobedece', 'désobéis', 'désobéissez', 'missachten', 'disobbedisci', 'desobedeça', 'ослушайся', '违抗', '逆らって', 'अवज्ञा', 'اعص',
    'पालन नहीं', 'पालन न', 'मत मानो',
    // en
    'ignore', 'ignores', 'ignoring', 'ignored', 'disregard*', 'forget', 'forgets', 'forgetting', 'overlook', 'override', 'overrides', 'overriding', 'bypass*',
    'abandon', 'discard', 'dismiss', 'neglect', 'nevermind', 'never mind', 'pay no attention', 'stop following', 'no longer follow', 'set aside',
    'throw away', 'subvert', 'negate', 'negates', 'leave behind', 'hinter sich', 'hinter dir', 'deja atrás', 'laisse de côté', 'lascia da parte', 'deixe para trás', 'defy', 'drop all', 'drop your', 'erase your', 'clear your',
    // es
    'ignora', 'ignorar', 'ignore', 'ignores', 'ignoren', 'ignorad', 'olvida', 'olvidar', 'olvide', 'olvides', 'olviden', 'olvídate', 'olvidate', 'descarta', 'descartar', 'omite', 'omitir', 'haz caso omiso', 'hagas caso', 'pasa por alto', 'no hagas caso', 'prescinde', 'desestima',
    // fr
    'ignore', 'ignorez', 'ignorer', 'ignores', 'oublie', 'oubliez', 'oublier', 'oublions', 'ne tiens pas compte', 'ne tenez pas compte', 'ne tenir aucun compte', 'faites abstraction', 'fais abstraction', 'abandonne', 'abandonnez', 'passe outre', 'passez outre', 'outrepasse*',
    // de
    'ignoriere', 'ignorieren', 'ignoriert', 'ignorier', 'vergiss', 'vergessen', 'vergesst', 'vergessen sie', 'missachte*', 'überspringe', 'uberspringe', 'verwirf', 'verwerfen', 'außer acht', 'ausser acht', 'beachte nicht', 'beachten sie nicht', 'setze dich hinweg', 'hinwegsetzen', 'streiche', 'streichen',
    // pt
    'ignora', 'ignore', 'ignorar', 'ignorem', 'esqueça', 'esqueca', 'esquece', 'esquecer', 'esqueçam', 'desconsidere', 'desconsidera', 'desconsiderar', 'despreze', 'descarte', 'não leve em conta', 'deixe de lado',
    // it
    'ignora', 'ignorare', 'ignori', 'ignorate', 'dimentica', 'dimenticare', 'dimentichi', 'dimenticate', 'trascura', 'trascurare', 'tralascia', 'tralasciare', 'non tenere conto', 'non considerare', 'lascia perdere', 'scarta',
    // ru
    'игнорир*', 'проигнорир*', 'забудь', 'забудьте', 'забыть', 'забудем', 'не обращай внимания', 'не обращайте внимания', 'пренебреги', 'пренебрегите', 'отбрось', 'отбросьте', 'отмени', 'отмените', 'не учитывай', 'не учитывайте', 'обойди', 'обойдите',
    // zh
    '忽略', '忽视', '忽視', '无视', '無視', '忘记', '忘記', '忘掉', '不要理会', '不要理會', '别管', '別管', '不理会', '跳过', '跳過', '丢弃', '抛开', '拋開', '抛弃', '覆盖', '绕过', '繞過', '放弃', '不要遵守', '不要遵循', '不再遵守',
    // ja
    '無視', '忘れて', '忘れろ', '忘れなさい', '破棄', '従わな', '従うな', 'スキップ', '上書き', '取り消',
    // hi
    'अनदेखा', 'नजरअंदाज', 'भूल', 'भूलो', 'भूलें', 'भूल जाओ', 'भूल जाएं', 'उपेक्षा', 'अवहेलना', 'ध्यान न दें', 'ध्यान मत दो', 'छोड़ दो', 'छोड़ दें', 'इग्नोर',
    // ar
    'تجاهل*', 'انس', 'انسى', 'انسي', 'اترك', 'تخط*', 'اهمل*', 'تغاض*', 'الغ', 'لا تلتزم', 'لا تتبع', 'تخلى', 'تخل',
  ],
  PRIOR: [
    'über dieser zeile', 'uber dieser zeile', 'oberhalb', 'por encima', 'au-dessus', 'sopra questa', 'выше этой',
    'previous', 'previously', 'prior', 'above', 'preceding', 'earlier', 'aforementioned', 'foregoing', 'initial', 'aforesaid', 'hitherto',
    'anteriores', 'anterior', 'previas', 'previos', 'previa', 'previo', 'precedentes', 'arriba', 'iniciales',
    'précédentes', 'précédente', 'précédents', 'précédent', 'antérieures', 'antérieur*', 'ci-dessus', 'initiales', 'ce qui précède', 'qui précède ce',
    'vorherigen', 'vorherige', 'bisherigen', 'bisherige', 'vorangehenden', 'vorangegangenen', 'vorangegangene', 'obigen', 'obige', 'früheren', 'fruheren',
    'acima', 'iniciais', 'prévias', 'previas', 'precedenti', 'precedente', 'sopra', 'iniziali', 'anteriori',
    'предыдущ*', 'прежн*', 'вышеуказанн*', 'вышеизложенн*', 'выше', 'ранее', 'исходн*', 'первоначальн*',
    '之前', '以前', '先前', '上面', '上述', '前面', '此前', '早先', '前述', '之上', '前の', 'これまで', '上記', '先ほど', '最初の', '今まで', '上の文章', '上のテキスト', '上の文',
    'पिछले', 'पिछली', 'पिछला', 'ऊपर', 'पूर्व',
    'سابق*', 'اعلاه', 'المتقدم*',
  ],
  BEFORE: [
    'before', 'original', 'default', 'existing', 'old', 'last', 'past', 'so far', 'until now', 'up to now', 'beforehand', 'former',
    'antes', 'originales', 'hasta ahora', 'avant', 'auparavant', 'jusqu ici', 'originales', 'vorher', 'zuvor', 'davor', 'oben', 'ursprünglichen', 'ursprunglichen', 'alten',
    'originais', 'até agora', 'ate agora', 'prima', 'originali', 'finora', 'до этого', 'старые', 'прошл*', '原来', '原來', '原始', '原有', '元の', 'それまで', 'पहले', 'पुराने', 'मूल', 'قبل', 'الاصلي*', 'اصلي*', 'الماضي*', 'ماضي*',
  ],
  // Not "orders", "commandes", "ordini": a shop's tool results list previous and cancelled orders ("previous orders are listed
  // below", "les commandes annulées"); nor Russian "команда", which is also a team ("новая команда поддержки"). They are ORDERS,
  // read only right after "ignore".
  INSTR: [
    'regra', 'regla', 'regole', 'règle', 'regel',
    'instruction', 'instructions', 'instructed', 'rules', 'rule', 'guidelines', 'guideline', 'directives', 'directive', 'directions', 'commands', 'command',
    'prompt', 'prompts', 'programming', 'constraints', 'restrictions', 'limitations', 'guardrails', 'policies', 'safeguards', 'conditioning', 'guidance',
    'instrucciones', 'instrucción', 'reglas', 'normas', 'directrices', 'indicaciones', 'órdenes', 'ordenes', 'comandos', 'restricciones', 'pautas', 'limitaciones',
    'consignes', 'consigne', 'règles', 'directives', 'ordres', 'contraintes', 'restrictions',
    'anweisungen', 'anweisung', 'instruktionen', 'regeln', 'richtlinien', 'vorgaben', 'befehle', 'anordnungen', 'einschränkungen', 'einschrankungen', 'beschränkungen', 'anleitungen',
    'instruções', 'instrucoes', 'regras', 'diretrizes', 'ordens', 'comandos', 'restrições', 'restricoes', 'orientações', 'orientacoes',
    'istruzioni', 'regole', 'direttive', 'comandi', 'restrizioni', 'linee guida', 'vincoli',
    'инструкци*', 'указани*', 'правил*', 'ограничени*', 'директив*', 'распоряжени*', 'установк*', 'промпт*',
    '指令', '指示', '说明', '說明', '规则', '規則', '命令', '限制', '约束', '約束', '设定', '提示词', '提示詞', '指引', '准则', '準則',
    'ルール', '規則', '制約', 'プロンプト', 'ガイドライン', '命令', '指図',
    'निर्देश*', 'नियम*', 'आदेश*', 'प्रतिबंध*', 'दिशानिर्देश*', 'हिदायत*',
    'تعليمات*', 'التعليمات*', 'اوامر*', 'الاوامر*', 'قواعد*', 'القواعد*', 'ارشادات*', 'الارشادات*', 'قيود*', 'القيود*', 'توجيهات*', 'التوجيهات*', 'تعليماتك',
  ],
  ALL: [
    'all', 'every', 'everything', 'entire',
    'todo', 'todas', 'todos', 'toda', 'cualquier', 'tout', 'toutes', 'tous', 'toute', 'alles', 'alle', 'allen', 'sämtliche', 'samtliche', 'jegliche',
    'tudo', 'tutto', 'tutta', 'tutte', 'tutti', 'qualsiasi', 'qualquer', 'всё', 'все', 'всех', 'любые', 'любых', 'весь',
    '一切', '所有', '全部', '任何', 'すべて', '全て', '全部', 'सब', 'सभी', 'सारे', 'सारी', 'كل', 'جميع',
  ],
  YOU: [
    'you', 'your', 'yours', 'yourself', 'u', 'ur', 'thou',
    'tu', 'tus', 'te', 'ti', 'usted', 'ustedes', 'tú', 'vos', 'eres', 'toi', 'ton', 'ta', 'tes', 'vous', 'votre', 'vos',
    'dich', 'dir', 'dein*', 'euch', 'euer', 'eure',
    'você', 'voce', 'vocês', 'teu', 'tua', 'teus', 'tuas', 'seu', 'sua', 'tuo', 'tuoi', 'tue', 'voi', 'vostr*',
    'ты', 'тебя', 'тебе', 'твой', 'твоя', 'твои', 'твоих', 'твоим', 'твоё', 'твое', 'вы', 'вас', 'вам', 'ваш', 'ваши', 'ваших', 'вашим', 'ваша',
    '你', '您', 'あなた', '君', 'お前', 'तुम', 'तुम्हारे', 'तुम्हारी', 'तुम्हें', 'आप', 'आपके', 'आपको', 'आपकी', 'आपका', 'तू', 'تو',
    'انت', 'انتم', 'لك', 'عليك', 'منك',
  ],
  YOUR: [
    'your', 'yours', 'ur', 'tus', 'tu', 'ton', 'ta', 'tes', 'votre', 'vos', 'dein*', 'ihre', 'ihren', 'ihrer', 'euer', 'eure', 'teu', 'tua', 'teus', 'tuas', 'seu', 'sua', 'seus', 'suas',
    'tuo', 'tuoi', 'tue', 'vostr*', 'твой', 'твоя', 'твои', 'твоих', 'твоим', 'твоё', 'твое', 'ваш', 'ваши', 'ваших', 'вашим', 'ваша', 'вашу', 'твою',
    '你的', '您的', 'あなたの', '君の', 'お前の', 'तुम्हारे', 'तुम्हारी', 'तुम्हारा', 'आपके', 'आपकी', 'आपका', 'تعليماتك', 'اوامرك', 'قواعدك',
  ],
  NEW: [
    'new', 'updated', 'different', 'instead', 'revised', 'nuevo', 'nueva', 'nuevas', 'nuevos', 'en su lugar', 'en lugar', 'nouveau', 'nouvelle', 'nouvelles', 'nouveaux', 'à la place', 'plutôt',
    'neue', 'neuen', 'neues', 'neuer', 'stattdessen', 'novo', 'nova', 'novas', 'novos', 'em vez', 'nuovo', 'nuova', 'nuove', 'nuovi', 'invece',
    'нов*', 'вместо', '新的', '新', '改为', '改為', '新しい', '代わりに', 'नए', 'नई', 'नया', 'बजाय', 'جديد*', 'بدلا', 'بدلاً',
  ],
  REVEAL: [
    'reveal', 'show', 'print', 'tell', 'output', 'repeat', 'display', 'leak', 'share', 'give', 'spell', 'disclose', 'list', 'dump', 'recite', 'echo', 'provide', 'confirm', 'expose', 'divulge', 'write out', 'type out', 'copy', 'quote', 'duplicate', 'replay', 'paraphrase', 'gimme',
    'revela', 'revelar', 'muestra', 'muéstrame', 'mostrar', 'dime', 'dame', 'imprime', 'repite', 'comparte', 'escribe',
    // imperatives with their pronouns attached, as Spanish, Italian and Portuguese write them ("dímelo", "imprímelos", "mostramelo", "diga-me")
    'dímelo', 'muéstramelo', 'muéstralo', 'revélalo', 'revélamelo', 'imprímelo', 'imprímelos', 'repítelo', 'compártelo', 'enséñame', 'enséñamelo',
    'dimmelo', 'dimmela', 'mostramelo', 'rivelalo', 'rivelamelo', 'stampalo', 'stampali', 'ripetilo', 'dammelo', 'scrivila', 'scrivilo', 'mostre-me', 'diga-me', 'revele-o', 'imprima-os',
    'révèle', 'révélez', 'montre', 'montrez', 'affiche', 'affichez', 'dis-moi', 'dites-moi', 'donne', 'donnez', 'répète', 'répétez', 'imprime', 'imprimez', 'partage',
    'zeige', 'zeig', 'zeigen', 'verrate', 'verraten', 'nenne', 'nennen', 'gib', 'geben', 'wiederhole', 'wiederholen', 'drucke', 'ausgeben', 'offenbare', 'teile', 'sag', 'sage',
    'revele', 'mostre', 'mostra', 'diga', 'me diga', 'imprima', 'repita', 'compartilhe', 'rivela', 'rivelami', 'mostrami', 'dimmi', 'dammi', 'stampa', 'ripeti', 'condividi',
    'покажи', 'покажите', 'раскрой', 'раскройте', 'скажи', 'скажите', 'назови', 'назовите', 'выведи', 'выведите', 'напечатай', 'напечатайте', 'повтори', 'повторите', 'дай', 'дайте', 'сообщи', 'сообщите', 'напиши',
    '告诉', '告訴', '显示', '顯示', '透露', '泄露', '洩露', '输出', '輸出', '打印', '列出', '重复', '重複', '说出', '說出', '给我', '給我', '展示', '公开', '公開',
    '教えて', '見せて', '表示して', '出力', '繰り返', '明かして', '開示', '教えろ', '言って',
    'बताओ', 'बताएं', 'बताइए', 'बताये', 'बताएँ', 'दिखाओ', 'दिखाएं', 'दिखाइए', 'प्रकट', 'दोहराओ', 'दोहराएं', 'साझा', 'लिखो',
    'اكشف*', 'اظهر*', 'اعرض*', 'اخبرني', 'اخبر*', 'قل', 'اطبع*', 'كرر*', 'شارك*', 'اعطني', 'اعط*',
  ],
  ASK: [
    'what', 'whats', 'which', 'cual', 'cuál', 'cuales', 'que', 'qué', 'quel', 'quelle', 'quels', 'quelles', 'was', 'welche', 'welches', 'welcher', 'qual', 'quais', 'quale', 'quali', 'cosa',
    'какой', 'какая', 'какие', 'каков', 'каковы', 'что', '什么', '什麼', '是多少', '何ですか', 'は何', '何を', '何が', '何と', 'क्या', 'कौन', 'ما', 'ماذا', 'ماهي', 'ماهو',
  ],
  SECRET: [
    'password', 'passwords', 'passphrase', 'passcode', 'pass code', 'secret key', 'secret word', 'secret code', 'secret password', 'your secret', 'api key', 'credentials', 'credential', 'pin', 'access code', 'code word', 'pw', 'pwd',
    'contraseña', 'contrasena', 'contraseñas', 'clave', 'secreto', 'mot de passe', 'mots de passe', 'passwort', 'kennwort', 'geheimnis', 'senha', 'senhas', 'segredo', 'parola d ordine', 'segreto', 'chiave',
    'palabra secreta', 'mot secret', 'geheimwort', 'geheimen werte', 'palavra secreta', 'parola segreta', 'секретное слово', '秘密の言葉', '秘密词', 'गुप्त शब्द', 'الكلمه السريه',
    'пароль', 'пароля', 'паролем', 'пароли', 'секрет', 'секретный', 'ключ', '密码', '密碼', '口令', '秘密', '密钥', '密鑰', 'パスワード', '秘密', '暗証', 'पासवर्ड', 'गुप्त', 'रहस्य', 'كلمه السر', 'كلمه المرور', 'سر', 'السر', 'الرقم السري',
  ],
  SYSPROMPT: [
    'system prompt', 'system message', 'system instructions', 'system instruction', 'initial prompt', 'initial instructions', 'original prompt', 'original instructions', 'hidden prompt', 'hidden instructions',
    'pre-prompt', 'preprompt', 'developer message', 'developer instructions', 'your prompt text', 'your prompt texts', 'prompt texts', 'system-prompt', 'meta prompt', 'custom instructions',
    'prompt del sistema', 'mensaje del sistema', 'instrucciones del sistema', 'instrucciones iniciales', 'prompt système', 'prompt systeme', 'message système', 'instructions système', 'instructions initiales',
    'systemprompt', 'system-prompt', 'systemnachricht', 'systemanweisungen', 'systemanweisung', 'prompt-text', 'prompt-texte', 'prompt do sistema', 'mensagem do sistema', 'instruções do sistema', 'prompt di sistema', 'messaggio di sistema', 'istruzioni di sistema',
    'системный промпт', 'системное сообщение', 'системные инструкции', 'системную инструкцию', 'исходные инструкции', 'системн*',
    '系统提示', '系統提示', '系统消息', '系統訊息', '系统指令', '系統指令', '初始指令', '初始提示', '系统设定', 'システムプロンプト', 'システムメッセージ', '初期プロンプト', 'システム指示',
    'सिस्टम प्रॉम्प्ट', 'सिस्टम संदेश', 'सिस्टम निर्देश', 'موجه النظام', 'رساله النظام', 'تعليمات النظام',
  ],
  ACT: [
    'agir como', 'vai agir como', 'agira como',
    'act as', 'acting as', 'act like', 'actuaras como', 'actuar como', 'agiras comme', 'agirez comme', 'agirai come', 'agirà come', 'atuara como', 'agira como', 'now you are', 'now you re', 'jetzt bist du', 'nun bist du', 'du bist jetzt', 'ahora tu eres', 'maintenant tu es', 'maintenant vous etes', 'agora voce e', 'ora tu sei', 'теперь ты', 'теперь вы', '现在你是', '現在你是', '今からあなたは', 'これからあなたは', 'अब तुम', 'अब आप', 'الان انت', 'pretend', 'pretending', 'roleplay', 'role-play', 'role play', 'imagine you are', 'imagine you re', 'you are now', 'you re now', 'simulate', 'impersonate',
    'behave as', 'behave like', 'play the role', 'take on the role', 'assume the role', 'persona', 'from now on you are', 'you will be', 'you shall be', 'become', 'transform into', 'embody', 'you are going to act',
    'actúa como', 'actua como', 'finge', 'fingir', 'haz de', 'juega el papel', 'imagina que eres', 'ahora eres', 'interpreta',
    'agis comme', 'agissez comme', 'fais semblant', 'faites semblant', 'joue le rôle', 'jouez le rôle', 'imagine que tu es', 'tu es maintenant', 'vous êtes maintenant', 'incarne', 'incarnez',
    'handle als', 'handeln sie als', 'tu so als', 'tun sie so', 'stell dir vor du bist', 'du bist jetzt', 'sie sind jetzt', 'spiele die rolle', 'spielen sie die rolle', 'fungieren', 'fungiere',
    'aja como', 'atue como', 'finja', 'fingir', 'faça de conta', 'imagine que você é', 'agora você é', 'interprete',
    'agisci come', 'comportati come', 'fingi', 'fai finta', 'interpreta il ruolo', 'immagina di essere', 'ora sei', 'impersona',
    'действуй как', 'действуйте как', 'притворись', 'притворитесь', 'представь что ты', 'представьте что вы', 'теперь ты', 'теперь вы', 'сыграй роль', 'играй роль', 'веди себя как', 'изобрази',
    '扮演', '假装', '假裝', '充当', '充當', '你现在是', '你現在是', '角色扮演', '模拟', '模擬', 'として振る舞', 'ふりをして', 'になりきって', '演じて', 'ロールプレイ', 'あなたは今',
    'की तरह व्यवहार', 'का अभिनय', 'होने का नाटक', 'बनकर', 'की भूमिका', 'तुम अब', 'आप अब',
    'تصرف ك*', 'تظاهر*', 'تقمص*', 'مثل دور', 'العب دور', 'انت الان',
  ],
  AI: [
    'ai', 'a.i', 'assistant', 'chatgpt', 'gpt', 'llm', 'language model', 'chatbot', 'claude', 'gemini', 'openai', 'anthropic', 'bard', 'bing', 'copilot', 'artificial intelligence', 'llama',
    'ia', 'asistente', 'inteligencia artificial', 'assistant', 'intelligence artificielle', 'ki', 'assistent', 'sprachmodell', 'künstliche intelligenz', 'assistente', 'intelligenza artificiale',
    'ии', 'ассистент', 'помощник', 'нейросеть', 'искусственный интеллект', '人工智能', '助手', '机器人', '機器人', 'アシスタント', '人工知能', 'एआई', 'सहायक', 'ذكاء', 'الذكاء', 'مساعد',
  ],
  UNRESTRICTED: [
    'senza alcun filtro', 'senza alcuna restrizione', 'senza alcun limite', 'sin ningun filtro', 'sans aucun filtre', 'sans aucune restriction', 'ohne jegliche einschrankungen', 'sem nenhuma restricao', 'sem nenhum filtro', '縛られない', '縛られません', '制限されない', 'никаких ограничений', 'не ограничен',
    'unrestricted', 'unfiltered', 'unfiltred', 'uncensored', 'limitless', 'unbound', 'unconstrained', 'unchained', 'unleashed', 'amoral', 'unethical', 'jailbroken', 'broken free',
    'no restrictions', 'no limits', 'no limitations', 'no rules', 'no filters', 'no filter', 'no guidelines', 'no ethics', 'no morals', 'no boundaries', 'no censorship', 'no constraints',
    'without restrictions', 'without limits', 'without limitations', 'without any restrictions', 'without filters', 'without censorship', 'without rules', 'without any limits', 'without ethics', 'not bound',
    'free from', 'anything goes', 'does not have to abide', 'doesn t have to follow', 'do not have to abide', 'don t have to follow', 'no ethical', 'no moral',
    'sin restricciones', 'sin límites', 'sin limites', 'sin filtros', 'sin censura', 'sin reglas', 'sin ética', 'sin etica', 'sans restrictions', 'sans limites', 'sans filtre', 'sans filtres', 'sans censure', 'sans règles',
    'ohne einschränkungen', 'ohne einschrankungen', 'ohne grenzen', 'ohne filter', 'ohne zensur', 'ohne regeln', 'uneingeschränkt', 'uneingeschrankt', 'unzensiert', 'ungefiltert',
    'sem restrições', 'sem restricoes', 'sem limites', 'sem filtros', 'sem censura', 'sem regras', 'senza restrizioni', 'senza limiti', 'senza filtri', 'senza censura', 'senza regole',
    'без ограничений', 'без цензуры', 'без фильтров', 'без правил', 'без морали', 'без этики', 'неограниченн*', 'нецензурирован*',
    '没有限制', '沒有限制', '无限制', '無限制', '不受限制', '没有任何限制', '无审查', '不受约束', '没有道德', '無審查', '制限なし', '制限のない', '制約なし', '検閲なし', '無制限', '倫理なし',
    'बिना किसी प्रतिबंध', 'बिना प्रतिबंध', 'बिना सेंसर', 'बिना नियम', 'कोई प्रतिबंध नहीं', 'कोई नियम नहीं', 'بدون قيود', 'بلا قيود', 'بدون رقابه', 'بدون حدود', 'بلا حدود', 'بدون قواعد',
    'sin ninguna regla', 'sans aucune règle', 'ohne jegliche regeln', 'sem nenhuma regra', 'senza alcuna regola', 'без всяких правил', '没有规则', '沒有規則', '没有任何规则', '不受规则', 'ルールのない', 'ルールなし', 'ルールに縛られない', 'बिना नियमों', 'नियमों के बिना', 'بلا قواعد',
  ],
  JAILBREAK: [
    'haz cualquier cosa ahora', 'fais n importe quoi maintenant', 'tu jetzt alles', 'faca qualquer coisa agora', 'fai qualsiasi cosa ora', 'делай что угодно сейчас', '现在做任何事', '今すぐ何でもする', 'अभी कुछ भी करो', 'افعل اي شيء الان',
    'do anything now', 'dan mode', 'jailbreak mode', 'jailbroken', 'evil mode', 'unlocked mode', 'opposite mode', 'override mode', 'unrestricted mode', 'stay a dan', 'anti-dan', 'betterdan',
    'evil confidant', 'chaos mode', 'unfiltered mode', 'uncensored mode', 'developer mode output', 'developer mode enabled', 'god mode enabled',
  ],
  // The word itself, in any language, is a topic too (phones, consoles): weak. A named jailbreak mode is JAILBREAK.
  JAILBREAK_WORD: ['jailbreak', 'jailbreaks', 'jailbreaking', '越狱', '越獄', 'ジェイルブレイク', '脱獄'],
  /** Modes that exist innocently too (Android developer mode): evidence only when switched on in the text. */
  MODE_NAME: [
    'developer mode', 'dev mode', 'god mode', 'sudo mode', 'admin mode', 'debug mode', 'maintenance mode', 'system mode',
    'modo desarrollador', 'modo dios', 'mode développeur', 'mode developpeur', 'entwicklermodus', 'modo de desenvolvedor', 'modo desenvolvedor', 'modalità sviluppatore', 'modalita sviluppatore',
    'режим разработчика', 'режим бога', '开发者模式', '開發者模式', '开发人员模式', '開発者モード', 'डेवलपर मोड', 'وضع المطور',
  ],
  MODE: ['mode', 'modo', 'modus', 'modalità', 'modalita', 'режим', '模式', 'モード', 'मोड', 'وضع'],
  ENABLE: ['enabled', 'activated', 'activate', 'enable', 'unlocked', 'engaged', 'activado', 'activada', 'activé', 'activée', 'aktiviert', 'ativado', 'attivato', 'attivata', 'включен', 'активирован*', '已启用', '已激活', '启用', '有効', 'सक्रिय', 'مفعل', 'تفعيل'],
  POLICY: [
    'policy', 'policies', 'content policy', 'usage policy', 'guidelines', 'ethics', 'ethical', 'morals', 'moral', 'morality', 'safety', 'censorship', 'filters', 'filtering', 'openai', 'terms of service', 'principles', 'legality',
    'política', 'politica', 'políticas', 'ética', 'etica', 'moral', 'censura', 'politique', 'éthique', 'ethique', 'richtlinie', 'ethik', 'zensur', 'moralischen', 'política de conteúdo', 'etica', 'политик*', 'этик*', 'мораль', 'цензур*', '政策', '道德', '伦理', '倫理', '审查', '審查', 'ポリシー', '倫理', 'नीति', 'नैतिक*', 'سياسه', 'اخلاق*',
  ],
  // Declared void, as only instructions are. What operations do to sessions, tokens, orders and features (cancelled, revoked,
  // removed, disabled) is CANCELLED, read with instructions and a qualifier only.
  VOID: [
    'irrelevant', 'void', 'obsolete', 'invalid', 'null', 'no longer apply', 'no longer valid', 'do not apply', 'don t apply', 'superseded', 'overridden',
    'irrelevantes', 'irrelevante', 'nulas', 'obsoletas', 'ya no aplican', 'ya no son válidas', 'caduques', 'ne s appliquent plus', 'obsolètes', 'irrelevant', 'ungültig', 'ungultig', 'hinfällig', 'hinfallig', 'nicht mehr gültig', 'gelten nicht mehr',
    'irrelevantes', 'não se aplicam', 'irrilevanti', 'non valgono più', 'недействительн*', 'неактуальн*', 'больше не действуют',
    '无效', '無效', '作废', '作廢', '不再适用', '不再適用', '無効', '適用されません', 'अमान्य', 'लागू नहीं', 'لاغيه', 'باطل*', 'لم تعد',
  ],
  CANCELLED: [
    'cancelled', 'canceled', 'revoked', 'replaced', 'deprecated', 'suspended', 'lifted', 'disabled', 'removed',
    'anuladas', 'annulées', 'aufgehoben', 'revogadas', 'annullate', 'revocate', 'отменены', 'аннулирован*', '已取消', '已解除', '撤回', 'रद्द', 'ملغا*', 'ملغي*',
  ],
  NEG: [
    'not', 'don', 'dont', 'never', 'do not', 'doesn', 'isn', 'shouldn', 'mustn', 'no', 'nor', 'without',
    'no', 'nunca', 'jamás', 'ne', 'n', 'pas', 'jamais', 'nicht', 'nie', 'niemals', 'kein*', 'não', 'nao', 'nunca', 'non', 'mai', 'не', 'нельзя', 'никогда',
    '不要', '别', '別', '不', '勿', '不得', '禁止', 'しないで', 'するな', 'ないで', 'मत', 'न', 'नहीं', 'लا', 'لا', 'لم', 'لن',
  ],
  FOLLOW: [
    'listen', 'escucha', 'écoute', 'écoutez', 'hör', 'ouça', 'ascolta', 'слушай', '听从', '聞いて', 'सुनो', 'استمع',
    'segue', 'seguem', 'seguir', 'cumplir', 'cumple', 'соблюдать', 'подчиняться', 'يلتزم', 'يتبع', 'respecter', 'befolgt', 'rispettare', 'seguire',
    'follow', 'obey', 'adhere', 'comply', 'abide', 'heed', 'respect', 'sigas', 'sigue', 'seguir', 'obedezcas', 'obedece', 'cumplas', 'suis', 'suivez', 'suivre', 'obéis', 'obéissez', 'respecte', 'respectez',
    'befolge', 'befolgen', 'folge', 'folgen', 'gehorche', 'siga', 'obedeça', 'cumpra', 'segui', 'seguire', 'obbedisci', 'rispetta',
    'следуй', 'следуйте', 'следовать', 'подчиняйся', 'выполняй', 'соблюдай', '遵守', '遵循', '服从', '服從', '従', '守', 'पालन', 'मानो', 'मानें', 'اتبع', 'التزم', 'تتبع', 'تلتزم',
  ],
  TASK: [
    'task', 'tasks', 'assignment', 'assignments', 'information', 'conversation', 'context', 'said', 'discussed', 'tarea', 'tareas', 'información', 'informacion', 'tâche', 'tâches', 'informations',
    'aufgabe', 'aufgaben', 'aufträge', 'auftrage', 'informationen', 'angaben', 'gesagte', 'tarefa', 'tarefas', 'informações', 'compito', 'compiti', 'informazioni',
    'задач*', 'задани*', 'информаци*', '任务', '任務', '信息', '資訊', 'タスク', '情報', 'कार्य', 'काम', 'जानकारी', 'مهمه', 'مهام', 'معلومات',
  ],
  RESPONSE: [
    'response', 'responses', 'reply', 'replies', 'answer', 'answers', 'output', 'summary', 'solution', 'completion', 'translation', 'respuesta', 'respuestas', 'réponse', 'réponses', 'antwort', 'antworten',
    'resposta', 'respostas', 'risposta', 'risposte', 'ответ', 'ответе', 'ответа', 'ответы', '回答', '回复', '回覆', '答复', '答案', '回答に', '返答', 'उत्तर', 'जवाब', 'رد', 'ردك', 'اجابه', 'اجابتك', 'الرد',
  ],
  CODE: ['code', 'codebase', 'script', 'program', 'código', 'codigo', 'programa', 'code', 'codice', 'programm', 'код', '代码', '代碼', 'コード', 'कोड', 'كود', 'الكود'],
  USER: ['user', 'users', 'human', 'customer', 'recipient', 'reader', 'usuario', 'usuarios', 'utilisateur', 'utilisateurs', 'benutzer', 'benutzers', 'nutzer', 'nutzers', 'usuário', 'usuario', 'utente', 'utenti', 'пользовател*', '用户', '用戶', 'ユーザー', 'उपयोगकर्ता', 'यूजर', 'المستخدم', 'مستخدم'],
  SEND: [
    'envíalo', 'envíalos', 'envíala', 'envíalas', 'envíamelo', 'envíamela', 'envíamelos', 'envíamelas', 'mándalo', 'mándalos', 'mándamelo', 'mándamela', 'reenvíalo', 'reenvíalos',
    'invialo', 'inviali', 'inviala', 'inviale', 'inviamelo', 'inoltralo', 'inoltrali', 'envie-o', 'envie-os', 'envie-a', 'envie-as', 'mande-os',
    'send', 'forward', 'upload', 'transmit', 'exfiltrate', 'submit', 'envía', 'envia', 'enviar', 'reenvía', 'envoie', 'envoyez', 'envoyer', 'transfère', 'sende', 'senden', 'schicke', 'schicken',
    'weiterleiten', 'envie', 'encaminhe', 'invia', 'inviare', 'inoltra', 'отправь', 'отправьте', 'перешли', 'перешлите', '发送', '發送', '转发', '轉發', '送信', '転送', 'भेजें', 'भेजो', 'भेज दो', 'भेज दें', 'ارسل*', 'حول',
  ],
  NOW: ['from now on', 'from this moment', 'from this moment on', 'from this point on', 'henceforth', 'starting now', 'from this point', 'from here on', 'from now', 'a partir de ahora', 'de ahora en adelante', 'désormais', 'dorénavant', 'à partir de maintenant', 'ab jetzt', 'von nun an', 'ab sofort', 'a partir de agora', 'd ora in poi', 'da ora in poi', 'отныне', 'с этого момента', 'теперь', '从现在开始', '從現在開始', '今后', 'これから', '今後', 'अब से', 'من الان', 'من الآن فصاعدا'],
  SAY: [
    'say', 'write', 'print', 'state', 'output', 'repeat', 'respond', 'reply', 'answer', 'type', 'include', 'add', 'insert', 'append', 'mention', 'tell',
    'escribe', 'responde', 'incluye', 'dis', 'écris', 'réponds', 'inclus', 'ajoute', 'sag', 'schreibe', 'schreib', 'antworte', 'füge', 'fuge', 'diga', 'escreva', 'responda', 'inclua', 'scrivi', 'rispondi', 'includi', 'aggiungi',
    'скажи', 'напиши', 'ответь', 'добавь', 'включи', '说', '說', '写', '寫', '回答', '加入', '添加', '書いて', '答えて', '追加', 'लिखो', 'कहो', 'जोड़ें', 'قل', 'اكتب', 'اضف', 'اجب',
  ],
  DATA: ['email', 'emails', 'mail', 'message', 'messages', 'invite', 'invitation', 'meeting', 'typo', 'typos', 'comment', 'note', 'correo', 'mensaje', 'courriel', 'nachricht', 'mensagem', 'messaggio', 'письмо', 'сообщение', '邮件', '消息', 'メール', 'メッセージ', 'ईमेल', 'संदेश', 'البريد', 'رساله',
    'document', 'documents', 'article', 'articles', 'text', 'webpage', 'page', 'file', 'data', 'email', 'resume', 'table', 'documento', 'texto', 'artículo', 'texte', 'dokument', 'artikel', 'testo', 'документ', 'текст', '文档', '文件', '文本', 'ドキュメント', 'テキスト', 'दस्तावेज़', 'दस्तावेज', 'पाठ', 'مستند', 'النص'],
  TEXTREF: [
    'wortwortlich', 'palabra por palabra', 'mot pour mot', 'parola per parola', 'palavra por palavra', 'слово в слово', '一字不差','text', 'words', 'prompt', 'beginning', 'start', 'verbatim', 'word for word', 'everything above', 'this conversation', 'texto', 'texte', 'wörtlich', 'wortlich', 'literalmente', 'testualmente', 'дословно', '原文', '逐字', '一字一句', 'そのまま', 'शब्दशः', 'حرفيا'],
  REFUSE: ['refuse', 'refuses', 'decline', 'declines', 'reject', 'rejects', 'apologize', 'apologise', 'warnings', 'warning', 'disclaimers', 'disclaimer', 'caveats', 'censor', 'rechazar', 'negarte', 'refuser', 'refuses', 'ablehnen', 'verweigern', 'recusar', 'rifiutare', 'отказыва*', 'отказ*', '拒绝', '拒絕', '断る', '拒否', 'इनकार', 'رفض', 'ترفض'],
  ALWAYS: ['always', 'must', 'never', 'no matter', 'siempre', 'nunca', 'toujours', 'jamais', 'immer', 'niemals', 'sempre', 'nunca', 'mai', 'всегда', 'никогда', '总是', '永远', '永遠', '必ず', '常に', 'हमेशा', 'कभी', 'دائما', 'ابدا'],
  // Staying in (or falling out of) character, not the bare word: "character", "Rolle", "роли", "角色" also name any role-play part.
  CHARACTER: [
    'in character', 'stay in character', 'break character', 'out of character', 'stay in role', 'in their roles', 'in his role', 'in her role', 'out of their role*',
    'en el personaje', 'en personaje', 'del personaje', 'dans le personnage', 'du personnage', 'in der rolle', 'aus der rolle', 'in ihren rollen', 'aus ihrer rolle', 'aus ihren rollen', 'aus der figur', 'in der figur', 'en sus papeles', 'dans leurs roles', 'nei loro ruoli', 'nos seus papeis', 'в своих ролях',
    'no personagem', 'do personagem', 'nel personaggio', 'dal personaggio', 'в образе', 'из образа', 'из роли', '保持角色', '跳出角色', '脱离角色', '出戏', 'キャラクターを保', 'キャラを崩', '役を崩',
    'किरदार में', 'किरदार से', 'في الشخصيه', 'عن الشخصيه',
  ],
  ATTENTION: ['important', 'attention', 'urgent', 'warning', 'note', 'notice', 'priority', 'override', 'admin', 'administrator', 'root', 'sudo', 'importante', 'atención', 'wichtig', 'achtung', 'dringend', 'attenzione', 'важно', 'внимание', '重要', '注意', '紧急', '緊急', 'महत्वपूर्ण', 'ध्यान', 'هام', 'مهم', 'تنبيه'],
  LINK: ['link', 'url', 'website', 'image', 'markdown', 'hyperlink', 'enlace', 'lien', 'collegamento', 'ссылк*', '链接', '連結', 'リンク', 'लिंक', 'رابط'],
  HISTORY: ['inbox', 'contacts', 'emails', 'api keys', 'api key', 'credentials', 'cookies', 'conversation', 'chat history', 'previous messages', 'conversation history', 'chat log', 'user data', 'personal data', 'personal information', 'cookies', 'session', 'historial', 'historique', 'verlauf', 'histórico', 'cronologia', 'историю', '历史', '對話', '履歴', 'इतिहास', 'سجل',
    'chatverlauf', 'gesprächsverlauf', 'gesprachsverlauf', 'история переписки', 'переписку', 'переписка', 'история нашего диалога', 'нашего диалога', '聊天记录', '对话记录', '對話記錄', '对话内容', '全部记录', '会話履歴', 'チャット履歴', 'पूरी बातचीत', 'सारी बातचीत', 'سجل المحادثه', 'المحادثه كامله'],
  CHANGE: [
    'change', 'changed', 'replace', 'rewrite', 'modify', 'update', 'delete', 'remove', 'erase', 'defy', 'violate', 'break', 'contradict', 'invert', 'reverse', 'go against', 'circumvent', 'disable', 'turn off', 'deactivate', 'lift', 'relax',
    'cambia', 'cambiar', 'reemplaza', 'elimina', 'borra', 'desactiva', 'desactivad', 'viola', 'rompe', 'change', 'changez', 'remplace', 'remplacez', 'supprime', 'supprimez', 'désactive', 'désactivez', 'enfreins', 'viole',
    'ändere', 'andere', 'ändern', 'ersetze', 'lösche', 'losche', 'entferne', 'deaktiviere', 'umgehe', 'brich', 'altere', 'altera', 'substitua', 'apague', 'remova', 'desative', 'viole', 'quebre', 'cambia', 'sostituisci', 'elimina', 'cancella', 'disattiva', 'viola', 'infrangi', 'aggira',
    'измени', 'измените', 'замени', 'удали', 'удалите', 'отключи', 'отключите', 'нарушь', 'нарушьте', 'обойди', 'сними', '修改', '更改', '替换', '替換', '删除', '刪除', '关闭', '關閉', '违反', '違反', '解除', '变更', '変更', '削除', '無効に', '破って', '解除して', 'बदलो', 'बदलें', 'हटाओ', 'हटाएं', 'तोड़ो', 'तोड़ें', 'बंद करो', 'غير', 'استبدل', 'احذف', 'عطل', 'اكسر', 'خالف',
  ],
  OPPOSITE: ['opposite', 'contrary', 'inverse', 'reverse', 'contrario', 'opuesto', 'contraire', 'inverse', 'gegenteil', 'oposto', 'contrário', 'opposto', 'противоположн*', 'наоборот', '相反', '反対', '逆', 'उल्टा', 'विपरीत', 'عكس', 'العكس'],
  HOWTO: ['how', 'for', 'on how', 'about', 'to make', 'to bake', 'to cook', 'to build', 'to install', 'como', 'cómo', 'para', 'comment', 'pour', 'wie', 'für', 'fur', 'zum', 'zur', 'come', 'per', 'как', 'для', 'по', '如何', '怎么', '怎樣', '关于', '方法', '作り方', '方法', 'कैसे', 'के लिए', 'كيف', 'لعمل', 'لصنع'],
  GIVEN: [
    'given', 'provided', 'received', 'programmed', 'assigned', 'gave', 'instructed', 'told', 'preset', 'preprogrammed', 'dadas', 'recibidas', 'proporcionadas', 'programado', 'programada', 'données', 'reçues', 'fournies', 'programmé',
    'gegebenen', 'erhaltenen', 'bekommen', 'programmiert', 'vorgegebenen', 'recebidas', 'fornecidas', 'programado', 'ricevute', 'fornite', 'programmato', 'полученные', 'заданные', 'выданные', 'запрограммирован*',
    '给你的', '給你的', '收到的', '设定的', '設定的', '与えられた', '受け取った', '設定された', 'दिए गए', 'दी गई', 'मिले', 'المعطاه', 'التي تلقيتها', 'المبرمجه',
  ],
  // Who made or runs the assistant. Not a boss or a supervisor: "how to tell your boss" is the generic reader's (BOSS, for the claim).
  AUTHORITY: [
    'developer', 'developers', 'creator', 'creators', 'maker', 'owner', 'administrator', 'admin', 'programmer', 'operator', 'god', 'master', 'engineer', 'openai', 'anthropic',
    'desarrollador', 'creador', 'dueño', 'administrador', 'programador', 'dios', 'développeur', 'créateur', 'propriétaire', 'administrateur', 'programmeur', 'dieu',
    'entwickler', 'schöpfer', 'schopfer', 'besitzer', 'administrator', 'programmierer', 'gott', 'desenvolvedor', 'criador', 'dono', 'programador', 'deus', 'sviluppatore', 'creatore', 'proprietario', 'amministratore', 'programmatore', 'dio', 
    'разработчик', 'создатель', 'владелец', 'администратор', 'программист', 'бог', 'хозяин', '开发者', '開發者', '开发人员', '创造者', '創造者', '管理员', '管理員', '主人', '上帝', '開発者', '作成者', '管理者', '神', 'डेवलपर', 'निर्माता', 'मालिक', 'प्रशासक', 'भगवान', 'مطور', 'مطورك', 'منشئ', 'مالك', 'مسؤول', 'الله',
  ],
  I_AM: ['i am', 'i m', 'im', 'soy', 'je suis', 'ich bin', 'eu sou', 'sou', 'io sono', 'я твой', 'я ваш', '我是', '私は', 'मैं', 'انا'],
  NO_LONGER: ['no longer', 'not anymore', 'ya no', 'ne plus', 'n es plus', 'nicht mehr', 'nao mais', 'não mais', 'non piu', 'non più', 'больше не', '不再', 'もう', 'अब नहीं', 'لم تعد', 'لم يعد'],
  /** Text that speaks to the model reading it: out of place in a document or a tool result. */
  // Not "AI assistant" or "AI agents" alone: configs ("ai_assistant: true"), meeting notes and news name them without speaking to
  // them ("any AI agent", "human or AI", "AI assistant reading this" do).
  ADDRESS_AI: [
    'to the ai', 'to the assistant', 'to the model', 'note to the ai', 'note to the assistant', 'note to assistant', 'note to ai', 'system note', 'ai reading this', 'ai agent reading', 'ai agents reading', 'ai assistant reading', 'ai assistants reading', 'human or ai', 'or ai agent', 'any ai agent', 'any ai assistant',
    'if you are an ai', 'if you are a language model', 'if you are an llm', 'dear ai', 'dear assistant', 'attention ai', 'hey ai', 'hi ai', 'language model reading',
    'when summarizing', 'when summarising', 'when you summarize', 'when you summarise', 'if you summarize', 'if you summarise', 'if asked to summarize', 'while summarizing',
    'para el asistente', 'nota para el asistente', 'para la ia', 'al resumir', 'pour l assistant', 'note pour l assistant', 'pour l ia', 'en resumant', 'a l ia',
    'fur die ki', 'für die ki', 'hinweis fur die ki', 'an die ki', 'an den assistenten', 'beim zusammenfassen', 'para o assistente', 'para a ia', 'ao resumir', 'per l assistente', 'per l ia', 'nel riassumere',
    // "attention, AI" in the other languages, and "for the AI assistant" as Hindi writes it, in Latin letters
    'atencion ia', 'atención ia', 'attention ia', 'achtung ki', 'atencao ia', 'atenção ia', 'attenzione ia', 'внимание ии', 'вниманию ии', '注意 ai', 'ai 注意', 'ai असिस्टेंट के लिए', 'असिस्टेंट के लिए', 'تنبيه للذكاء الاصطناعي',
    // Chinese and Japanese entries match inside a CJK run only; "致AI助手", "AIへ" mix scripts and are the pattern address.ai_reader_cjk.
    'для языковой модели', 'для модели', 'модель читающая', 'للنموذج اللغوي', 'للمساعد الالي', 'تعليمات للمساعد',
    'для ии', 'для ассистента', 'для нейросети', 'при пересказе', '给人工智能', '总结时', 'アシスタントへ', '要約する際', 'एआई के लिए', 'सहायक के लिए', 'الى المساعد', 'للمساعد', 'الى الذكاء الاصطناعي',
  ],
  /** A block of code offered for the reader's own answer ("the following code snippet"). */
  CODEREF: [
    'following code', 'subsequent code', 'code snippet', 'code block', 'code excerpt', 'code section', 'following snippet', 'subsequent snippet', 'this snippet', 'following script',
    'siguiente codigo', 'fragmento de codigo', 'code suivant', 'extrait de code', 'folgenden code', 'codeausschnitt', 'codigo a seguir', 'trecho de codigo', 'codice seguente', 'frammento di codice',
    'следующий код', 'фрагмент кода', '以下代码', '这段代码', '以下のコード', 'このコード', 'निम्नलिखित कोड', 'الكود التالي', 'مقتطف الكود',
  ],
  /** Chat roles (for the structural patterns' pre-filter). */
  ROLE: ['system', 'assistant', 'human', 'developer', 'user', 'admin', 'administrator'],
  /** Fake boundaries ("end of input", "begin of instructions"). */
  BOUNDARY: ['end of', 'begin of', 'start of', 'beginning of'],
  CALL: ['call', 'invoke', 'execute', 'trigger', 'run', 'llama', 'invoca', 'ejecuta', 'ejecutad', 'declenche', 'declenchez', 'appelle', 'invoque', 'exécute', 'rufe', 'aufrufen', 'führe', 'fuhre', 'ausführen', 'chame', 'execute', 'chiama', 'esegui', 'вызови', 'выполни', 'запусти', '调用', '執行', '执行', '运行', '呼び出', '実行', 'चलाएं', 'चलाओ', 'कॉल', 'استدع*', 'نفذ*', 'شغل*'],
  ...EXTRA_CONCEPT_LEXICON,
  TOOL: ['tool', 'tools', 'plugin', 'api', 'browser', 'herramienta', 'outil', 'werkzeug', 'ferramenta', 'strumento', 'инструмент', '工具', 'ツール', 'उपकरण', 'टूल', 'اداه'],
};
