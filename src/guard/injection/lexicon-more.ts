/**
 * Lexicon, second part:
 * - concepts for the task-injection style of indirect attacks (an imperative request to an assistant,
 *   "Explain the theory of relativity.", planted as a line of an email, a table or a code answer) and for
 *   telling a request for *the* secret from talk about one's own password;
 * - the core override/extraction/persona concepts in languages beyond the eleven of `lexicon.ts`
 *   (Dutch, Turkish, Polish, Indonesian, Vietnamese, Korean, Greek): attacks are often translated into
 *   whatever language the filter was not built for. Same entry syntax as `lexicon.ts`.
 */
import type { Concept } from './lexicon';

/** Imperative verbs that hand an assistant a task of its own (write, explain, translate...), in the eleven languages. */
export const TASK_VERBS: readonly string[] = [
  // en
  'explain', 'describe', 'write', 'compose', 'draft', 'translate', 'summarize', 'summarise', 'provide', 'generate', 'create', 'develop', 'outline', 'discuss', 'render',
  'rewrite', 'jumble', 'tell', 'integrate', 'enhance', 'give', 'define', 'calculate', 'suggest', 'recommend', 'convert', 'encode',
  'spell', 'elaborate', 'analyze', 'analyse', 'compare', 'break down', 'craft', 'produce', 'formulate', 'illustrate', 'narrate', 'recite', 'recount', 'paraphrase', 'share', 'brainstorm', 'propose', 'evaluate',
  // es
  'explica', 'describe', 'escribe', 'redacta', 'traduce', 'proporciona', 'genera', 'crea', 'desarrolla', 'enumera', 'dame', 'dime', 'define', 'calcula', 'sugiere', 'recomienda', 'compara', 'analiza', 'cuéntame', 'compón',
  // fr
  'explique', 'expliquez', 'décris', 'décrivez', 'écris', 'écrivez', 'rédige', 'rédigez', 'traduis', 'traduisez', 'résumez', 'fournis', 'fournissez', 'génère', 'générez', 'crée', 'créez', 'développe', 'énumère', 'donne', 'donnez', 'définis', 'calcule', 'suggère', 'propose', 'compare', 'analyse', 'raconte', 'compose',
  // de
  'erkläre', 'erklare', 'erklären', 'beschreibe', 'beschreiben', 'schreibe', 'schreib', 'verfasse', 'übersetze', 'ubersetze', 'fasse', 'liefere', 'generiere', 'erstelle', 'entwickle', 'nenne', 'gib', 'definiere', 'berechne', 'schlage', 'empfiehl', 'vergleiche', 'analysiere', 'erzähle', 'erzahle', 'formuliere',
  // pt
  'explique', 'descreva', 'escreva', 'redija', 'traduza', 'resuma', 'forneça', 'forneca', 'gere', 'crie', 'desenvolva', 'liste', 'dê', 'defina', 'calcule', 'sugira', 'recomende', 'compare', 'analise', 'conte', 'componha',
  // it
  'spiega', 'descrivi', 'scrivi', 'componi', 'redigi', 'traduci', 'riassumi', 'fornisci', 'genera', 'crea', 'sviluppa', 'elenca', 'dammi', 'dimmi', 'definisci', 'calcola', 'suggerisci', 'consiglia', 'confronta', 'analizza', 'racconta',
  // ru
  'объясни', 'объясните', 'опиши', 'опишите', 'напиши', 'напишите', 'составь', 'составьте', 'переведи', 'переведите', 'перескажи', 'кратко изложи', 'предоставь', 'сгенерируй', 'создай', 'создайте', 'разработай', 'перечисли', 'дай', 'определи', 'вычисли', 'посчитай', 'предложи', 'порекомендуй', 'сравни', 'проанализируй', 'расскажи', 'расскажите',
  // zh (substrings: only where the verb starts the sentence does the rule use it)
  '解释', '解釋', '描述', '写一', '寫一', '撰写', '撰寫', '翻译', '翻譯', '总结', '總結', '概括', '提供', '生成', '创建', '創建', '列出', '列举', '定义', '计算', '計算', '建议', '推荐', '比较', '分析', '讲一', '講一', '介绍', '介紹',
  // ja
  '説明して', '説明してください', '書いて', '翻訳して', '要約して', '作成して', '生成して', '列挙して', '教えて', '提案して', '比較して', '分析して', '紹介して',
  // hi
  'समझाइए', 'समझाओ', 'समझाएं', 'वर्णन करें', 'वर्णन करो', 'लिखिए', 'लिखो', 'लिखें', 'अनुवाद करें', 'अनुवाद करो', 'सारांश', 'बताइए', 'बताओ', 'बनाइए', 'बनाओ', 'सूची', 'तुलना करें', 'विश्लेषण करें', 'सुझाव दें',
  // ar
  'اشرح', 'صف', 'اكتب', 'ترجم', 'لخص', 'قدم', 'انشئ', 'أنشئ', 'طور', 'اذكر', 'عدد', 'عرف', 'احسب', 'اقترح', 'قارن', 'حلل', 'اخبرني', 'حدثني',
  // nl, tr, pl, id, vi, ko, el
  'leg uit', 'beschrijf', 'schrijf', 'vertaal', 'vat samen', 'geef', 'maak', 'açıkla', 'acikla', 'anlat', 'yaz', 'çevir', 'cevir', 'özetle', 'ozetle', 'wyjaśnij', 'wyjasnij', 'opisz', 'napisz', 'przetłumacz', 'przetlumacz', 'streść', 'podaj',
  'jelaskan', 'tuliskan', 'tulis', 'terjemahkan', 'ringkas*', 'berikan', 'buatkan', 'giai thich', 'mo ta', 'hay viet', 'tom tat', '설명*', '작성*', '번역*', '요약*', 'εξήγησε', 'εξηγήστε', 'περίγραψε', 'γράψε', 'μετάφρασε', 'συνόψισε',
];

export const MORE_LEXICON: Readonly<Partial<Record<Concept, readonly string[]>>> = {
  IGNORE: [
    // Russian, Chinese (pinyin), Japanese and Hindi written in Latin letters
    'ignoriruy', 'ignoriruyte', 'zabud', 'zabudte', 'hulue', 'hu lue', 'mushi shite', 'mushishite', 'ignore karo', 'ignore kar do', 'bhool jao', 'bhul jao', 'nazarandaaz karo',
    'negeer', 'negeren', 'vergeet', 'yok say', 'yoksay*', 'görmezden gel', 'gormezden gel', 'unut', 'zignoruj', 'ignoruj', 'zapomnij', 'abaikan', 'lupakan', 'bo qua', 'phot lo', 'quen di',
    '무시*', '잊어*', 'αγνο*', 'ξέχασε', 'ξεχάστε', 'ξεχνα',
    // hr/sr/bs, cs/sk
    'zaboravi', 'zaboravite', 'zanemari', 'zanemarite', 'ignoriraj', 'ignorirajte', 'ignoriši', 'ignorisi', 'zapomeň', 'zapomen', 'zabudni', 'ignorujte',
    'do not look', 'don t look', 'dont look', 'do not read', 'don t read', 'leave behind',
  ],
  PRIOR: [
    'predydushchie', 'predydushchiye', 'predydushchikh', 'zhiqian', 'zhi qian', 'pichle', 'pichhle',
    'intial', 'inital', 'previus', 'prevous',
    'vorige', 'eerdere', 'bovenstaande', 'önceki', 'onceki', 'yukarıdaki', 'yukaridaki', 'poprzedni*', 'wcześniejsz*', 'wczesniejsz*', 'sebelumnya', 'di atas', 'truoc do', 'truoc',
    '이전*', '앞의', '위의', 'προηγούμεν*', 'παραπάνω',
    'prethodne', 'prethodna', 'prethodni', 'predchozi', 'předchozí', 'predchádzajúce',
    // "above this message" in the verb-final and right-to-left languages of the lexicon
    'より上', '上にある', '上記', 'فوق', 'اعلاه', 'أعلاه',
  ],
  INSTR: [
    'instruktsii', 'instruktsiyu', 'zhiling', 'zhi ling', 'guize', 'gui ze', 'nirdesh', 'niyam', 'shiji',
    'direction', 'protocol', 'protocols', 'briefing', 'promt', 'promts', 'propmt', 'instrucions', 'intructions',
    'instructies', 'regels', 'richtlijnen', 'talimat*', 'kural*', 'yönerge*', 'yonerge*', 'instrukcj*', 'polecen*', 'zasad*', 'instruksi', 'perintah', 'aturan', 'huong dan', 'chi dan', 'quy tac', 'menh lenh',
    '지시*', '명령*', '규칙*', '지침*', '프롬프트*', 'οδηγί*', 'εντολ*', 'κανόν*',
    'instrukcije', 'upute', 'uputstva', 'uputstvo', 'pravila', 'naredbe', 'pokyny', 'instrukce', 'pravidla',
  ],
  ALL: ['जो कुछ भी', 'सब कुछ', 'anything', 'sve', 'svih', 'všechny', 'vsechny', 'alle', 'alles', 'tüm', 'tum', 'bütün', 'butun', 'wszystk*', 'semua', 'tat ca', '모든', '모두', 'όλ*'],
  YOUR: ['الخاص بك', 'الخاصه بك', 'خاصتك', 'jouw', 'uw', 'senin', 'twoje', 'twoich', 'twoj*', 'anda', 'kamu', 'cua ban', '너의', '당신의', 'σου'],
  YOU: ['jij', 'u', 'sen', 'siz', 'ty', 'ciebie', 'anda', 'kamu', '너*', '당신*', 'εσύ', 'σου', 'σας',
    // German "du" only with its verb: alone it is French "of the". Not "du bist": role-play ("du bist in der Rolle eines Lehrers").
    'du hast', 'hast du', 'du hattest', 'du sollst', 'sollst du', 'du solltest', 'du kannst', 'kannst du', 'du musst', 'musst du', 'du darfst', 'darfst du', 'du wirst', 'wirst du',
    // "told/given to you" forms that carry the addressee themselves (also GIVEN)
    'on t a dit', 'on t a demande*', 'on t a donne*', 'te dijeron', 'te pidieron', 'te dieron', 'ti hanno detto', 'ti hanno chiesto', 'ti hanno dato', 'te disseram', 'te pediram', 'te deram', 'dir gesagt', 'тебе сказали', 'тебе дали'],
  REVEAL: [
    'vyvedi', 'pokazhi', 'shuchu', 'shu chu', 'xianshi', 'dikhao', 'batao',
    // inflections and phrasings of English the first lexicon lacks
    'regurgitate', 'respond with', 'reply with', 'repeating', 'revealing', 'printing', 'showing', 'telling', 'reciting', 'disclosing', 'spit out', 'write down', 'reproduce', 'restate', 'reiterate',
    'toon', 'laat zien', 'vertel', 'göster', 'goster', 'söyle', 'soyle', 'pokaż', 'pokaz', 'powiedz', 'ujawnij', 'tunjukkan', 'beri tahu', 'beritahu', 'cho toi biet', 'hien thi', 'tiet lo',
    '알려*', '보여*', '공개*', 'δείξε', 'πες', 'αποκάλυψε',
    // copying out, writing back
    'copiar', 'cópiame', 'copiame', 'kopiere', 'donner', 'me le donner', 'scrivimi', 'riscrivi', 'أعد كتابة', 'اعد كتابه', 'انسخ', 'लिखकर दिखाओ', 'कॉपी करो',
  ],
  /** "given to you" in the forms the first lexicon lacks (past tense addressed to the assistant). */
  GIVEN: [
    'recibiste', 'te dieron', 'on t a donne*', 'ti e stato dato', 'ti è stato dato', 'ti hanno dato', 'dir gegeben', 'dir gegebene*', 'te deram', 'recebeste', 'voce recebeu', 'você recebeu',
    'тебе дали', 'тебе выдали', 'दिया गया', 'दी गयी', 'أعطيت لك', 'اعطيت لك', 'المعطى لك',
    // told or asked (as "told" in English): "le mot de passe qu'on t'a demandé de ne pas divulguer"
    'on t a dit', 'on t a demande*', 'on vous a dit', 'te dijeron', 'te pidieron', 'te han dicho', 'ti hanno detto', 'ti hanno chiesto', 'ti e stato detto', 'te disseram', 'te pediram',
    'dir gesagt', 'тебе сказали', 'тебя попросили', 'तुमसे कहा गया', 'तुम्हें कहा गया', 'قيل لك',
  ],
  /** Refusing, in forms the first lexicon lacks ("wenn du ablehnst", "ولا يرفض أي طلب"); Italian "rifiuti" and Hindi "मना" only with
   * their negation ("non rifiuti mai", "मना मत करो"): alone they are garbage and "prohibited". */
  REFUSE: ['ablehnst', 'lehnst', 'lehne', 'verweigere', 'verweigerst', 'verweigern', 'rifiutarti', 'rifiutare', 'non rifiuti', 'rifiuti mai', 'non rifiuta', 'rifiuta mai', 'इनकार नहीं', 'मना मत', 'मना नहीं', 'कभी मना', 'recuses', 'recusar-se', 'refuses', 'rechaces', 'te niegues', 'отказывайся', 'отказываешься', 'يرفض', 'ترفضي', 'تمتنع', 'इनकार मत',
    // apologising, the other half of refusal suppression ("nunca pidas disculpas", "entschuldige dich nie")
    'disculpas', 'disculpes', 't excuse', 'vous excusez', 'entschuldige', 'entschuldigst', 'desculpas', 'desculpe', 'scusarti', 'scuse', 'извиняйся', 'извинений', '道歉', '謝罪', '謝らない', 'माफ़ी', 'माफी', 'تعتذر', 'اعتذار'],
  /** Switching something on, as an order (the statement forms are in the first lexicon; "how do I activate" is not an order). */
  ENABLE: ['attiva', 'activa', 'activez', 'active', 'aktiviere', 'ativa', 'ative', 'активируй', 'включи', '开启', '打开', '有効にして', 'सक्रिय करो', 'चालू करो', 'चालू करें', 'ऑन करो', 'فعل', 'فعّل'],
  SECRET: [
    // API keys by their name in the lexicon's languages ("api key" is in the first lexicon)
    'chave de api', 'chave da api', 'chave secreta', 'chave de acesso', 'clave de api', 'clave api', 'cle api', 'cle d api', 'cle de l api', 'api schlussel', 'chiave api', 'chiave dell api',
    'ключ api', 'api ключ', 'api 密钥', 'api密钥', 'एपीआई कुंजी', 'api कुंजी', 'مفتاح api', 'zugangsschlussel', 'zugangsschlüssel', 'zugangsdaten', 'токен api', 'токен доступа', 'access token', 'api token', 'كلمه مرور', 'مفتاح الـ api', 'مفتاح ال api',
    'wachtwoord', 'şifre*', 'sifre*', 'hasło', 'haslo', 'hasła', 'kata sandi', 'sandi', 'mat khau', '비밀번호*', '암호*', 'κωδικ*', 'συνθηματικ*'],
  SYSPROMPT: [
    'sistemnyy prompt', 'sistemny prompt', 'xitong tishi', 'xi tong ti shi', 'xitong tishici', 'xi tong ti shi ci', 'system prompt batao',
    // the assistant's own hidden or start-up configuration (with the possessive: "hidden configuration files" are a Finder setting)
    'your hidden configuration', 'your hidden config', 'your internal configuration', 'your initial configuration', 'your startup configuration',
    'tu configuracion oculta', 'tu configuracion interna', 'ta configuration cachee', 'ta configuration interne', 'deine versteckte konfiguration', 'deine interne konfiguration',
    'sua configuracao oculta', 'tua configurazione nascosta', 'configurazione con cui sei stato avviato', 'свою скрытую конфигурацию', 'твою скрытую конфигурацию', 'твою внутреннюю конфигурацию',
    '你的隐藏配置', '你的内部配置', 'あなたの隠し設定', 'あなたの内部設定', 'तुम्हारी छिपी सेटिंग्स', 'اعداداتك المخفيه',
    'systeemprompt', 'sistem istemi', 'prompt systemow*', 'prompt sistem', '시스템 프롬프트', 'μήνυμα συστήματος'],
  ACT: ['doe alsof', 'gedraag je als', 'gibi davran', 'udawaj', 'zachowuj sie jak', 'berpura-pura', 'bertindak sebagai', 'hay dong vai', 'gia vo', '역할*', '척해*', 'προσποιήσου', 'υποδύσου'],
  UNRESTRICTED: [
    // without censorship, ethics or morals, in the lexicon's languages
    'senza censure', 'senza censura', 'nessuna etica', 'nessuna morale', 'sin censura', 'sin etica', 'sin moral', 'sans censure', 'sans morale', 'sans ethique', 'ohne zensur', 'ohne jegliche filter', 'ohne filter', 'ohne moral',
    'sem censura', 'sem etica', 'sem moral', 'без цензуры', 'без морали', 'без этики', '无审查', '没有审查', '没有道德', '検閲なし', '検閲のない', '倫理観のない', 'बिना सेंसर', 'कोई नैतिकता नहीं', 'بلا رقابه', 'بدون رقابه', 'بلا اخلاق', 'بدون اخلاق',
    'न कोई नियम', 'न कोई फ़िल्टर', 'न कोई फिल्टर', 'कोई फ़िल्टर नहीं', 'न कोई सेंसरशिप', 'zonder beperkingen', 'kısıtlamasız', 'kisitlamasiz', 'bez ograniczeń', 'bez ograniczen', 'tanpa batasan', 'khong gioi han', '제한 없는', '제한없*', 'χωρίς περιορισμούς'],
  CHANGE: ['reset', 'revert', 'overrule', 'overwrite', 'reprogram', 'restablece', 'réinitialise', 'setze zurück', 'redefina', 'reimposta', 'сбрось', '重置', 'リセット', 'रीसेट', 'اعد ضبط'],
  /** What a pasted document or code is called when an instruction inside it says to disregard it. */
  DATA: [
    'function', 'paper', 'passage', 'snippet', 'story', 'website', 'html', 'report', 'essay', 'tweet',
    'función', 'funcion', 'fonction', 'funktion', 'função', 'funcao', 'funzione', 'функци*', '函数', '関数', 'फ़ंक्शन', 'دالة', 'الدالة',
    'página', 'pagina', 'seite', 'страниц*', '网页', 'ページ', 'पृष्ठ', 'صفحة', 'الصفحة',
  ],
  NEW: ['nieuwe', 'yeni', 'nowy', 'nowa', 'nowe', 'nowych', 'baru', '새로운', 'νέ*'],
  /**
   * An AI reader addressed in the data ("AIメールアシスタント様へ", "Note pour les systèmes d'IA", "KI-Anweisung"), beyond the first
   * lexicon's phrases. Addressing forms only: "un asistente de IA", "der KI-Assistent" name one in any news article.
   */
  ADDRESS_AI: [
    'ai systems reading', 'ai reviewer', 'ai code reviewer', 'instruction for ai', 'instructions for ai', 'note for ai', 'note for ai systems',
    'instruccion para ia', 'instrucciones para ia', 'nota para ia', 'revisor de ia', 'note pour les systemes d ia', 'instruction pour l ia', 'instructions pour l ia',
    'ki anweisung', 'anweisung an sprachmodelle', 'instrucao para ia', 'instrucoes para ia', 'nota para ia', 'istruzioni per l ia', 'istruzione per l ia', 'attenzione assistente',
    'инструкция для ии', 'инструкция для языковых моделей', 'инструкция для языковой модели',
    'エージェントへ', 'エージェントへの指示', 'アシスタント様へ', 'aiへの指示', 'ai向けの指示', 'ai एजेंट के लिए', 'एजेंट के लिए', 'मॉडल के लिए',
    'الى مساعد الذكاء', 'إلى مساعد الذكاء', 'تعليمات للنماذج اللغويه',
  ],
};

export const EXTRA_CONCEPT_LEXICON: Readonly<
  Record<'GEN_TASK' | 'POLITE' | 'MY' | 'SECRET_CARE' | 'PERSONAL' | 'DONE' | 'SWITCH' | 'STOP' | 'FUNCTION' | 'PERSONA_SWITCH' | 'ARTIFACT' | 'NOTIFY' | 'DONT' | 'ABOVE_MESSAGE' | 'YOUR_SETUP' | 'WAS_A_TEST' | 'REAL_TASK' | 'JOIN_PARTS' | 'TWO_ANSWERS' | 'TOOLING' | 'ORDERS' | 'ATTACK_TOPIC' | 'REPORTING' | 'AI_READER' | 'SPELL_OUT' | 'OTHER_USERS' | 'FICTION_FRAME' | 'HARM_ITEM' | 'PROCEDURE' | 'LICENSE_KEYS' | 'COUNTERING' | 'EVIL' | 'PART_LABEL' | 'CREDENTIAL' | 'DISGUISE' | 'COMPROMISED' | 'REGARDLESS' | 'ONLY' | 'CRIME' | 'WRITTEN' | 'ABOUT' | 'CONSEQUENCE' | 'NEW_INSTRUCTIONS' | 'BOSS' | 'JOIN_VERB' | 'APOLOGY', readonly string[]>
> = {
  /**
   * Telling, informing, notifying, mentioning, as orders (the imperative forms outside English): the verbs of "do not tell the
   * user". Not in SAY: "we will notify users by email" is everyday documentation, and SAY + USER is `address.tell_the_user`.
   */
  NOTIFY: [
    'tell', 'inform', 'notify', 'mention', 'alert', 'let know', 'informa', 'informes', 'avisa', 'avises', 'menciona', 'menciones', 'digas', 'informe', 'mentionne', 'mentionnez', 'dis', 'dites', 'préviens', 'previens', 'signale',
    'informiere', 'benachrichtige', 'erwähne', 'erwahne', 'sag', 'sage', 'informe', 'avise', 'mencione', 'diga', 'conte', 'notifica', 'comunica', 'comunicate', 'segnala', 'segnalarla', 'segnalarlo', 'menziona', 'menzionare', 'avvisa', 'dire', 'dirlo',
    'сообщай', 'сообщи', 'упоминай', 'упомяни', 'говори', 'рассказывай', '告知', '告诉', '告訴', '提及', '通知', '知らせ', '通知し', '伝え', 'बताना', 'बताओ', 'बताएं', 'बताइए', 'सूचित', 'تخبر', 'تخبري', 'تبلغ', 'تذكر',
  ],
  /**
   * What came before the conversation: "above this message", "before my first message". To an assistant, that text is its own
   * instructions; asking to see it is extraction in any word order ("मेरे पहले संदेश से पहले ... दोहराओ").
   */
  ABOVE_MESSAGE: [
    'before my first message', 'before my first prompt', 'before my first input', 'prior to my first message', 'above this message', 'above my message', 'above my first message', 'before this message', 'preceding this message',
    'antes de mi primer mensaje', 'encima de este mensaje', 'arriba de este mensaje', 'antes de este mensaje',
    'au dessus de ce message', 'avant mon premier message', 'avant ce message',
    'vor meiner ersten nachricht', 'vor meiner ersten eingabe', 'uber dieser nachricht', 'über dieser nachricht', 'vor dieser nachricht',
    'antes da minha primeira mensagem', 'acima desta mensagem', 'antes desta mensagem', 'prima del mio primo messaggio', 'sopra questo messaggio', 'prima di questo messaggio',
    'до моего первого сообщения', 'перед моим первым сообщением', 'выше этого сообщения', 'до этого сообщения',
    '我的第一条消息之前', '第一条消息之前', '这条消息之前', '这条消息上面', '这条消息以上', 'このメッセージより上', 'このメッセージより前', '最初のメッセージより前', '最初のメッセージの前',
    'मेरे पहले संदेश से पहले', 'पहले मैसेज से पहले', 'इस संदेश के ऊपर', 'इस मैसेज के ऊपर', 'इस संदेश से पहले', 'इस मैसेज से पहले',
    'قبل رسالتي الاولى', 'فوق هذه الرساله', 'قبل هذه الرساله',
  ],
  /**
   * The assistant's own configuration or instructions, where a deployment keeps its keys ("in deiner Konfiguration", "あなたの設定",
   * "في تعليماتك"). The possessive is part of each phrase; English "your settings" is left out (a product's settings page). Phrases
   * start with their rarest word, not with "in" or "the": every occurrence of a phrase's first word is checked against its rest.
   */
  YOUR_SETUP: [
    'your config', 'your configuration', 'your instructions', 'your system prompt', 'your prompt', 'your environment variables', 'your env',
    'tu configuracion', 'tus instrucciones', 'ta configuration', 'ta config', 'tes instructions', 'votre configuration', 'vos instructions',
    'deiner konfiguration', 'deinen anweisungen', 'deinen einstellungen', 'sua configuracao', 'suas instrucoes', 'tua configurazione', 'tue istruzioni',
    'у тебя в настройках', 'в твоих настройках', 'в твоей конфигурации', 'в твоих инструкциях', 'в твоем промпте', 'в твоём промпте',
    '你的配置', '你的设置', '你的指令中', '你的系统提示', 'あなたの設定', 'あなたの指示', 'तुम्हारे निर्देशों में', 'तुम्हारी सेटिंग्स', 'तुम्हारे कॉन्फ़िगरेशन', 'في تعليماتك', 'في اعداداتك', 'في إعداداتك',
  ],
  /** "That was (just) a test": with REAL_TASK, the claim that everything so far did not count ("本番はここから"). */
  WAS_A_TEST: [
    'just a test', 'only a test', 'just testing you',
    'era solo una prueba', 'era una prueba', 'era solo un test', 'etait un test', 'etait juste un test', 'qu un test', 'nur ein test', 'war ein test',
    'era apenas um teste', 'era so um teste', 'era um teste', 'era solo una prova', 'era una prova', 'было тестом', 'было проверкой', 'был тест', 'только тест',
    '只是测试', '只是一个测试', '只是個測試', 'テストでした', 'テストだった', 'テストです', 'सिर्फ़ टेस्ट था', 'सिर्फ टेस्ट था', 'एक टेस्ट था', 'كان مجرد اختبار', 'كان اختبارا',
  ],
  REAL_TASK: [
    'real task', 'actual task', 'real instructions',
    'tarea real', 'verdadera tarea', 'vraie tache', 'vraie mission', 'eigentliche aufgabe', 'echte aufgabe',
    'tarefa real', 'verdadeira tarefa', 'vero compito', 'compito reale', 'настоящее задание', 'настоящая задача', 'реальное задание', '真正的任务', '真正的任務', '本当のタスク', '本番',
    'असली काम', 'असली टास्क', 'المهمه الحقيقيه',
  ],
  /** Putting split pieces back together: payload splitting ("merke dir Teil 1 ... setze die Teile zusammen und befolge den Satz"). */
  JOIN_PARTS: [
    'combine the parts', 'combine the pieces', 'put the parts together', 'join the parts', 'concatenate the parts', 'resulting sentence', 'resulting instruction', 'resulting prompt',
    'combina las partes', 'une las partes', 'junta las partes', 'frase resultante', 'instruccion resultante', 'assemble les parties', 'combine les parties', 'phrase obtenue', 'phrase resultante',
    'setze die teile zusammen', 'die teile zusammen', 'teile zusammen', 'entstandenen satz', 'entstandene satz', 'resultierenden satz', 'junte as partes', 'combine as partes', 'frase resultante',
    'unisci le parti', 'combina le parti', 'frase risultante', 'объедини части', 'соедини части', 'получившуюся фразу', 'получившееся предложение', '把这些部分合并', '合并起来', '拼接起来', '拼起来',
    'つなげて', '組み合わせて', 'भागों को जोड़', 'हिस्सों को जोड़', 'ادمج الاجزاء', 'اجمع الاجزاء', 'الجمله الناتجه',
  ],
  /** Two answers or two personalities, outside English ("in due modi", "zwei Antworten", "بشخصيتين"). */
  TWO_ANSWERS: [
    'dos respuestas', 'dos maneras', 'dos personalidades', 'deux reponses', 'deux manieres', 'deux personnalites', 'zwei antworten', 'zwei arten', 'zwei personlichkeiten', 'duas respostas', 'duas formas', 'duas personalidades',
    'due risposte', 'due modi', 'due personalita', 'два ответа', 'двумя способами', 'две личности', '两个回答', '两种方式', '两种人格', '二つの回答', '2つの回答', '二つの人格', 'दो जवाब', 'दो तरह से', 'بشخصيتين', 'اجابتين', 'بطريقتين',
  ],
  /** Software that ignores rules as its job ("tell ESLint to ignore a rule", "make git ignore the folder"): right beside "ignore", the tool is what ignores. */
  TOOLING: [
    'eslint', 'tslint', 'stylelint', 'prettier', 'linter', 'lint', 'pylint', 'flake8', 'ruff', 'mypy', 'rubocop', 'sonarqube', 'sonar', 'checkstyle', 'clippy', 'golangci',
    'git', 'gitignore', 'dockerignore', 'npmignore', 'docker', 'webpack', 'babel', 'typescript', 'tsc', 'compiler', 'jest', 'pytest', 'firewall', 'spam filter', 'outlook', 'gmail', 'crawler', 'robots',
  ],
  /**
   * Orders that may be purchases ("previous orders", "commandes annulées"), and Russian commands that may be a team ("команда"):
   * instructions only when ignored ("IGNORE THE ORDERS", "игнорируй все предыдущие команды").
   */
  ORDERS: ['orders', 'commandes', 'ordini', 'команд*'],
  /** Attacks on language models as a subject (news, blogs, research): with REPORTING, a document that reports on them. */
  ATTACK_TOPIC: [
    'prompt injection', 'prompt injections', 'prompt-injection', 'prompt-injections', 'jailbreak prompts', 'jailbreaks', 'jailbreaking',
    'inyeccion de prompt', 'inyeccion de prompts', 'inyecciones de prompt', 'injection de prompt', 'injections de prompt', 'injection d instructions',
    'prompt-injektion', 'prompt-injektionen', 'injecao de prompt', 'injecoes de prompt', 'iniezione di prompt', 'iniezioni di prompt',
    'промпт-инъекци*', 'инъекция промпт*', 'инъекции промпт*', 'инъекций промпт*', 'инъекцию промпт*', 'инъекция подсказ*', 'инъекции подсказ*', 'инъекций подсказ*', 'внедрение промпт*', 'внедрения промпт*', 'внедрением промпт*', '提示词注入', '提示注入', '提示詞注入', 'プロンプトインジェクション', 'プロンプト・インジェクション',
    'प्रॉम्प्ट इंजेक्शन', 'प्रॉम्प्ट इंजेक्शन', 'जेलब्रेक', 'حقن الاوامر', 'حقن التعليمات', 'حقن الموجه', 'كسر حمايه',
  ],
  /** Third-person reporting ("researchers showed", "according to", "attackers hide"): a sentence that tells of something, not an order. */
  REPORTING: [
    'researchers', 'researcher', 'experts', 'expert', 'analysts', 'report', 'reports', 'reported', 'according to', 'study', 'warn', 'warns', 'warned', 'demonstrated', 'showed', 'shown',
    'attackers', 'attacker', 'hackers', 'criminals', 'scammers', 'vendor', 'vendors', 'said', 'says',
    'investigadores', 'expertos', 'especialistas', 'segun', 'informe', 'advierten', 'demostrado', 'demostraron', 'atacantes', 'estafadores',
    'chercheurs', 'experts', 'selon', 'rapport', 'alertent', 'ont montre', 'attaquants', 'pirates', 'escrocs',
    'forscher', 'forschende', 'experten', 'expertinnen', 'laut', 'bericht', 'warnen', 'gezeigt', 'angreifer', 'betruger',
    'pesquisadores', 'especialistas', 'segundo', 'relatorio', 'alertam', 'mostraram', 'atacantes', 'golpistas', 'criminosos',
    'ricercatori', 'esperti', 'secondo', 'rapporto', 'avvertono', 'dimostrato', 'aggressori', 'attaccanti', 'truffatori',
    'исследовател*', 'эксперт*', 'по данным', 'по словам', 'отчет*', 'отчёт*', 'злоумышленник*', 'мошенник*', 'предупреждают',
    '研究人员', '研究者', '专家', '專家', '报告', '報告', '据', '攻击者', '攻擊者', '黑客', '骗子', '専門家', '報告書', '攻撃者', 'によると', '研究チーム',
    'शोधकर्ता', 'शोधकर्ताओं', 'विशेषज्ञ', 'विशेषज्ञों', 'रिपोर्ट', 'हमलावर', 'के अनुसार', 'ठग',
    'باحثون', 'الباحثين', 'باحثين', 'خبراء', 'الخبراء', 'تقرير', 'المهاجمين', 'المهاجمون', 'وفقا', 'محتالون',
  ],
  /**
   * An AI assistant or agent as a reader, named with its AI ("AI coding assistants", "asistentes de IA", "KI-Agenten", "агенту ИИ",
   * "AI सहायक", "وكيل الذكاء الاصطناعي") or as a machine ("automated agents"): a bare "agent" or "assistant" is often a person.
   */
  AI_READER: [
    'ai assistant', 'ai assistants', 'ai agent', 'ai agents', 'ai coding assistant', 'ai coding assistants', 'ai triage assistant', 'ai email assistant', 'ai model', 'ai models',
    'ai system', 'ai systems', 'language model', 'language models', 'llm', 'llms', 'chatbot', 'chatbots', 'automated agent', 'automated agents', 'autonomous agent*',
    'asistente de ia', 'asistentes de ia', 'agente de ia', 'agentes de ia', 'asistente ia', 'agentes automaticos', 'agentes autonomos',
    'assistant ia', 'assistants ia', 'assistant d ia', 'assistants de code ia', 'agent ia', 'agents ia', 'agents automatises',
    'ki agent*', 'ki assistent*', 'ki modell*', 'ki system*', 'sprachmodell*',
    'assistente de ia', 'assistentes de ia', 'agente de ia', 'agentes de ia', 'agentes automatizados',
    'assistente ia', 'assistenti ia', 'agente ia', 'agenti ia', 'assistente di ia', 'agenti automatici',
    'ии ассистент*', 'ии агент*', 'агент ии', 'агенту ии', 'агента ии', 'агенты ии', 'агентам ии', 'агентов ии', 'агентом ии', 'ассистент ии', 'ассистенту ии', 'ассистента ии', 'ассистенты ии', 'ассистентам ии', 'ассистентов ии', 'ии помощник*', 'нейросет*',
    '人工智能助手', '智能助手', '智能体', 'aiアシスタント', '自動応対システム', '自動応答システム', '自動対応システム', 'ai सहायक', 'ai एजेंट', 'एआई सहायक', 'एआई एजेंट', 'सहायता ai', 'ai कोडिंग सहायक',
    'وكيل الذكاء*', 'مساعد الذكاء*', 'مساعدي البرمجه', 'ايها الذكاء*', 'نموذج الذكاء*', 'النموذج اللغوي', 'المساعد الالي', 'языковая модел*', 'языковой модел*', 'языковую модел*', 'языковые модел*', 'языковых модел*', 'языковым модел*',
  ],
  /** A secret let out piecewise or in disguise: its letters, an acrostic, Morse, backwards, a hint ("each line starts with a letter of the password"). */
  SPELL_OUT: [
    'letter', 'letters', 'character', 'characters', 'acrostic', 'morse', 'one by one', 'letter by letter', 'backwards', 'reversed', 'first letter', 'hint', 'hints', 'clue', 'clues', 'syllable', 'syllables', 'rhymes with',
    'letra', 'letras', 'acrostico', 'una por una', 'al reves', 'pista', 'pistas', 'caracteres', 'silabas',
    'lettre', 'lettres', 'acrostiche', 'une par une', 'a l envers', 'indice', 'indices', 'syllabes',
    'buchstabe', 'buchstaben', 'akrostichon', 'ruckwarts', 'einzeln', 'tipp', 'silben', 'zeichen',
    'acrostico', 'uma por uma', 'de tras para frente', 'dica', 'dicas', 'silabas',
    'lettera', 'lettere', 'una per una', 'alla rovescia', 'indizio', 'indizi', 'caratteri', 'sillabe',
    'букв*', 'акростих*', 'по одной', 'задом наперед', 'задом наперёд', 'в обратном порядке', 'подсказк*', 'символ*', 'слог*',
    // the other ways of saying "backwards" (they also gate the reversed view of a text: detector.ts)
    'backward', 'reverse', 'right to left', 'de droite a gauche', 'von hinten', 'ao reves', 'da destra a sinistra', 'справа налево',
    '倒過來', '反过来', '反過來', '从右到左', '逆さ', '逆順', '右から左', 'उलटा', 'معكوس', 'من اليسار',
    '字母', '每个字', '逐字', '倒过来', '倒序', '藏头诗', '首字母', '摩斯', '一文字ずつ', '文字ずつ', '頭文字', 'あいうえお作文', '逆から', 'ヒント', 'モールス', '読み方',
    'अक्षर', 'एक एक करके', 'उल्टा', 'संकेत', 'حرف', 'حروف', 'بالعكس', 'تلميح', 'حرفا حرفا',
  ],
  /**
   * Other people the assistant serves: their data is not the user's to ask for ("the previous user's chat history", "other customers'
   * phone numbers"). No phrase starts with "the" or "you": every occurrence of a phrase's first word is a lookup (measured: +10% per prompt).
   */
  OTHER_USERS: [
    'other users', 'other customers', 'other clients', 'other patients', 'previous user', 'previous customer', 'last user', 'another user', 'another customer',
    'who talked to you', 'users you', 'customers you',
    'otros usuarios', 'otros clientes', 'usuario anterior', 'cliente anterior', 'otro usuario', 'otro cliente', 'hablo contigo', 'hablaron contigo',
    'autres utilisateurs', 'autres clients', 'utilisateur precedent', 'client precedent', 'un autre utilisateur', 'un autre client', 't a parle', 'vous a parle',
    'andere nutzer', 'anderen nutzer', 'andere kunden', 'anderen kunden', 'anderen benutzer', 'vorherigen nutzer', 'vorherigen kunden', 'letzten nutzer', 'du gesprochen', 'du heute gesprochen',
    'outros usuarios', 'outros clientes', 'usuario anterior', 'outro usuario', 'outro cliente', 'falou com voce', 'falaram com voce',
    'altri utenti', 'altri clienti', 'utente precedente', 'cliente precedente', 'un altro utente', 'un altro cliente', 'parlato con te',
    'других пользовател*', 'другие пользовател*', 'других клиент*', 'другие клиент*', 'предыдущий пользовател*', 'предыдущего пользовател*', 'предыдущему пользовател*', 'предыдущих пользовател*', 'предыдущим пользовател*', 'предыдущий клиент*', 'предыдущего клиент*', 'предыдущему клиент*', 'предыдущих клиент*', 'предыдущим клиент*', 'другого пользовател*', 'другого клиент*', 'говорил с тобой', 'общался с тобой',
    '其他用户', '其他客户', '上一个用户', '上一位用户', '别的用户', '上一个客户', '上一位客户', '和你聊过', '跟你聊过', '他のユーザー', '他の利用者', '他のお客様', '前のユーザー', '別のユーザー', '前のお客様',
    'अन्य उपयोगकर्ताओं', 'दूसरे उपयोगकर्ता*', 'अन्य ग्राहकों', 'दूसरे ग्राहक*', 'पिछले ग्राहक', 'पिछले उपयोगकर्ता', 'तुमसे बात', 'आपसे बात',
    'المستخدمين الاخرين', 'العملاء الاخرين', 'المستخدم السابق', 'العميل السابق', 'مستخدم اخر', 'عميل اخر', 'تحدث معك', 'تحدثوا معك',
  ],
  /** A frame that makes a request someone else's words: a late grandmother's bedtime story, a novel, a screenplay, a hypothetical world. */
  FICTION_FRAME: [
    'grandma', 'grandmother', 'granny', 'novel', 'screenplay', 'script', 'thriller', 'hypothetical', 'hypothetically', 'parallel universe', 'fictional', 'fiction',
    'abuela', 'novela', 'guion', 'hipotetico', 'hipotetica', 'universo paralelo', 'mamie', 'grand-mere', 'grand mere', 'roman', 'scenario', 'hypothetique', 'univers parallele',
    'oma', 'großmutter', 'grossmutter', 'minha vo', 'drehbuch', 'theaterstuck', 'hypothetisch', 'paralleluniversum', 'avo', 'vovo', 'avozinha', 'romance', 'roteiro', 'hipoteticamente', 'universo paralelo',
    'nonna', 'nonnina', 'racconto', 'sceneggiatura', 'ipotetico', 'ipoteticamente', 'бабушк*', 'роман', 'сценари*', 'гипотетическ*', 'параллельная вселенн*', 'параллельной вселенн*', 'параллельную вселенн*', 'параллельные вселенн*', 'параллельных вселенн*',
    '奶奶', '外婆', '祖母', '小说', '小說', '剧本', '劇本', '假设', '假設', '平行宇宙', 'おばあちゃん', '小説', '脚本', 'シナリオ', '仮定', '仮に', 'パラレルワールド',
    'दादी', 'नानी', 'उपन्यास', 'पटकथा', 'स्क्रिप्ट', 'वेब सीरीज', 'काल्पनिक', 'جدتي', 'جده', 'روايه', 'سيناريو', 'افتراضا', 'افتراضي*', 'عالم موازي',
  ],
  /** Things whose making or use does harm, asked for in detail under a frame: weapons, drugs, malware, fraud. */
  HARM_ITEM: [
    'napalm', 'explosive', 'explosives', 'bomb', 'bombs', 'molotov', 'gunpowder', 'nerve agent', 'toxic gas', 'poison gas', 'methamphetamine', 'meth', 'ransomware', 'malware', 'keylogger', 'trojan', 'botnet',
    'phishing', 'counterfeit', 'fake id', 'card cloning', 'clone a credit card', 'hack into', 'break into',
    // breaking into a network, as the other languages say it
    'entrar en la red', 'hackear', 'pirater', 'hacken', 'invadir a rede', 'entrare nella rete', 'взломать', '入侵',
    'explosivo', 'explosivos', 'bomba', 'polvora', 'metanfetamina', 'gas toxico', 'explosif', 'explosifs', 'gaz toxique', 'sprengstoff*', 'bombe', 'schießpulver', 'schiesspulver', 'giftgas', 'methamphetamin',
    'esplosivo', 'esplosivi', 'polvere da sparo', 'metanfetamina', 'взрывчатк*', 'бомб*', 'коктейль молотова', 'метамфетамин*', 'отравляющ*', 'вирус-вымогател*', 'троян*',
    '炸药', '炸彈', '炸弹', '冰毒', '木马', '木馬', '勒索软件', '钓鱼', '毒气', '爆弾', '爆薬', '覚醒剤', '有毒ガス', 'ランサムウェア', 'マルウェア', '詐欺', '侵入',
    'विस्फोटक', 'बम', 'कट्टा', 'ड्रग्स', 'फ़िशिंग', 'ठगी', 'ठग', 'متفجرات', 'قنبله', 'مولوتوف', 'ميثامفيتامين', 'فيروس الفدية', 'مزوره', 'مزور',
  ],
  /** A request for the working detail: steps, exact amounts, real commands, complete code. */
  PROCEDURE: [
    'step by step', 'exact steps', 'production steps', 'exact amounts', 'exact quantities', 'proportions', 'real commands', 'actual commands', 'working code', 'complete code', 'full code', 'line by line', 'in detail', 'how it was made', 'how to make',
    'paso a paso', 'cantidades exactas', 'comandos reales', 'codigo completo', 'etape par etape', 'quantites exactes', 'code complet', 'schritt fur schritt', 'ganz genau', 'mengen', 'passo a passo', 'proporcoes',
    'passo dopo passo', 'riga per riga', 'codice completo', 'funzionante', 'in welchem verhaltnis', 'welchem verhaltnis', 'proporcoes certinhas', '一言一句', 'そのまま使える', 'шаг за шагом', 'подробно', 'в домашних условиях', '一步一步', '详细', '詳細', '完整可运行', '完整的代码', '手順', '実際のコマンド', 'कदम दर कदम', 'कदम-दर-कदम', 'पूरी विधि', 'तरीका', 'خطوه بخطوه', 'بالتفصيل',
  ],
  /** Countering the harm (defusing, catching, protecting against): a thriller's bomb squad, a detective, an emergency plan. */
  COUNTERING: [
    'defuse', 'defuses', 'defusing', 'disarm', 'disarms', 'caught', 'catch', 'catches', 'arrest', 'arrested', 'investigate', 'investigates', 'detect', 'detects', 'prevent', 'prevents', 'protect', 'respond', 'emergency', 'survivors',
    'desactivar', 'desactiva', 'atrapar', 'detener', 'detenido', 'prevenir', 'proteger', 'emergencia', 'desamorcer', 'desamorce', 'arreter', 'arrete', 'proteger', 'urgence',
    'entscharfen', 'entscharft', 'fassen', 'verhaften', 'verhindern', 'schutzen', 'notfall', 'desarmar', 'prender', 'emergencia', 'disinnescare', 'disinnesca', 'arrestare', 'prevenire', 'proteggere', 'emergenza',
    'обезвредить', 'обезвреживает', 'поймать', 'задержать', 'предотвратить', 'защитить', '拆除', '抓住', '逮捕', '防止', '防范', '防範', '解除', '逮捕', '防ぐ', '対策', 'निष्क्रिय', 'पकड़', 'बचाव', 'تفكيك', 'القبض', 'منع', 'حمايه',
  ],
  /** Malice as a persona's nature ("pretend you are an evil AI", "stell dir vor, du bist eine böse KI"). */
  EVIL: [
    'evil', 'malicious', 'malevolent', 'wicked', 'rogue', 'malvado', 'malvada', 'malicioso', 'maligno', 'malefique', 'mechant', 'mechante', 'malveillant*',
    'bose', 'boser', 'bosartig*', 'malvagio', 'malvagia', 'malevolo', 'malevola', 'злой', 'злая', 'злобн*', 'злонамеренн*',
    '邪恶', '邪惡', '恶意', '惡意', '邪悪な', '悪のai', '悪意のある', 'दुष्ट', 'बुरा', 'बुरी', 'شرير', 'شريره', 'خبيث*',
  ],
  /** A labelled piece of a split payload ("Part 1: \"Cn o rvl\"", "Teil 1 ist", "часть 1"): only a pre-filter for `override.payload_split`. */
  PART_LABEL: ['part 1', 'part one', 'part a', 'teil 1', 'parte 1', 'partie 1', 'часть 1', 'भाग 1', 'الجزء 1', '第一部分', 'combine', 'concatenate', 'join', 'string z'],
  /**
   * A credential by a name that means nothing else: not "secret", "secreto", "秘密", "key" ("a poem about a secret love" is a poem).
   */
  CREDENTIAL: [
    'password', 'passwords', 'passphrase', 'passcode', 'pass code', 'secret key', 'secret word', 'secret code', 'secret password', 'code word', 'api key',
    'contraseña', 'contrasena', 'palabra secreta', 'mot de passe', 'mot secret', 'passwort', 'kennwort', 'geheimwort', 'senha', 'palavra secreta', 'parola d ordine', 'parola segreta',
    'пароль', 'пароля', 'секретное слово', '密码', '密碼', '口令', '秘密词', 'パスワード', '合言葉', '秘密の言葉', 'पासवर्ड', 'गुप्त शब्द', 'كلمه السر', 'كلمه المرور', 'الكلمه السريه',
  ],
  /**
   * A secret dressed up: a poem, a riddle, a song, another alphabet ("write a haiku about the password", "the passphrase in pig latin").
   * Not base64: how to base64-encode an API key for a header is a developer's question.
   */
  DISGUISE: [
    'poem', 'haiku', 'limerick', 'riddle', 'rhyme', 'song', 'leetspeak', 'leet', 'pig latin',
    'poema', 'adivinanza', 'cancion', 'rima', 'poeme', 'devinette', 'chanson', 'gedicht', 'ratsel', 'reim', 'adivinha', 'cancao',
    'poesia', 'indovinello', 'canzone', 'filastrocca', 'стих*', 'загадк*', 'песн*', '诗', '詩', '谜语', '謎語', 'なぞなぞ', '俳句',
    'कविता', 'पहेली', 'गीत', 'قصيده', 'لغز', 'اغنيه',
  ],
  /** The words of a forced "I have been PWNED" (only a pre-filter for `override.forced_compromise`). */
  COMPROMISED: [
    'pwned*', 'pwnd', 'hacked', 'compromised', 'hackeado', 'hackeada', 'pirate', 'piratee', 'compromis', 'gehackt', 'kompromittiert', 'hackerato', 'hackerata', 'compromesso',
    'взлом*', '攻破', '被黑', '被入侵', 'ハッキング', '乗っ取られ', 'हैक', 'اختراق*', 'الاختراق', 'اختراقي',
    'libere', 'liberated', 'unchained', 'fregato', 'fregata', 'befreit', 'liberado', 'liberada', 'libertado', 'освобожден*', 'セキュリティ突破', '突破成功',
  ],
  /** An answer fixed to nothing else ("reply only with", "exactly", "只能", "فقط"): with COMPROMISED, a forced confession. */
  ONLY: [
    'only', 'exactly', 'nothing else', 'solo', 'solamente', 'unicamente', 'exactamente', 'seulement', 'uniquement', 'exactement', 'nur', 'ausschliesslich', 'genau',
    'apenas', 'somente', 'exatamente', 'exclusivamente', 'soltanto', 'esclusivamente', 'esattamente', 'только', 'лишь', 'ровно', '只能', '只回复', '仅', '僅', 'だけ', 'のみ', 'सिर्फ', 'केवल', 'فقط',
    'just output', 'just say', 'just print', 'just write', 'just reply', 'just respond',
  ],
  /** Crimes a role-play is staged around (a robbery, a break-in, a hack): with `jailbreak.roleplay_bait`, the answer the bait asks for. */
  CRIME: [
    'robbery', 'heist', 'burglary', 'break into', 'break in', 'hack', 'hacker', 'steal', 'stealing', 'hotwire', 'pick a lock', 'pick the lock',
    'atraco', 'robo', 'ladron', 'cambriolage', 'braquage', 'raububerfall', 'einbruch', 'einbrechen', 'meisterdieb',
    'assalto', 'rapina', 'furto', 'ограблени*', 'кража', '抢劫', '盗窃', '強盗', 'चोरी', 'डकैती', 'سرقه',
  ],
  /** "Written": with a question, "prompt" and "above", a question about the text before the conversation. */
  WRITTEN: ['written', 'escrito', 'ecrit', 'geschrieben', 'scritto', 'написано', '写的', '写着', '書かれ', 'लिखा', 'مكتوب'],
  /** "About": what was said *about* something is a topic, not the assistant's instructions ("what you were told about the deadline"). */
  ABOUT: ['about', 'regarding', 'concerning', 'sobre', 'acerca', 'au sujet', 'concernant', 'uber', 'bezuglich', 'riguardo', 'circa', 'про', 'насчет', 'насчёт', '关于', '關於', 'について', 'के बारे में', 'بخصوص', 'حول'],
  /** A question about what follows from an act ("what happens if a system ignores a command?", "is it risky to disregard..."): a topic. */
  CONSEQUENCE: [
    'what happens if', 'what happens when', 'what would happen if', 'is it risky', 'is it safe', 'is it dangerous', 'what are the risks', 'what are the consequences',
    'que pasa si', 'que pasaria si', 'es arriesgado', 'es peligroso', 'que se passe t il si', 'que se passe-t-il si', 'qu est ce qui se passe si', 'que se passerait il si', 'est il risque', 'est il dangereux',
    'was passiert', 'ist es riskant', 'ist es gefahrlich', 'o que acontece se', 'e arriscado', 'e perigoso', 'cosa succede se', 'e rischioso', 'e pericoloso',
    'что будет если', 'что произойдет если', 'что случится если', 'опасно ли', '会怎样', '会发生什么', '危险吗', 'どうなる', '危険ですか', 'क्या होगा अगर', 'क्या होगा यदि', 'ماذا يحدث اذا', 'هل من الخطر',
  ],
  /**
   * New instructions by that name ("updated instructions", "nouvelles consignes", "新指令"): in a document, a reader being re-tasked.
   * "New customs rules are in place" and "the new EU guidelines" are news.
   */
  NEW_INSTRUCTIONS: [
    'new instructions', 'new instruction', 'updated instructions', 'revised instructions', 'new directives', 'new orders', 'new task', 'new system prompt',
    'nuevas instrucciones', 'nueva instruccion', 'nuevas ordenes', 'nouvelles instructions', 'nouvelle instruction', 'nouvelles consignes', 'nouvelle consigne',
    'neue anweisungen', 'neue anweisung', 'neuen anweisungen', 'neue instruktionen', 'novas instrucoes', 'nova instrucao', 'nuove istruzioni', 'nuova istruzione',
    'новые инструкции', 'новая инструкция', 'новые указания', '新指令', '新的指令', '新的指示', '新しい指示', '新しい命令', 'नए निर्देश', 'नया निर्देश', 'تعليمات جديده',
  ],
  /** A boss ("I am your boss"): as a claim only; "your boss" is also the generic reader's boss in advice ("what if your boss yells"). */
  BOSS: ['boss', 'supervisor', 'jefe', 'chef', 'patron', 'capo', 'chefe', '上司', '老板', '老闆', 'начальник', 'босс', 'руководитель', 'बॉस', 'مديرك', 'رئيسك'],
  /** Putting pieces together (with PART_LABEL, the quoted parts of a split payload). */
  JOIN_VERB: [
    'combine', 'interlace', 'join', 'concatenate', 'merge', 'put together', 'assemble', 'following parts', 'these parts', 'both parts', 'combina', 'junta', 'concatena',
    'zusammen', 'kombiniere', 'verbinde', 'junte', 'unisci', 'объедини', 'соедини', 'склей', '合并', '拼接', '拼起来', '組み合わせ', 'つなげ', 'जोड़', 'ادمج', 'اجمع',
  ],
  /** An apology before a retraction ("sorry, ignore the previous messages, I pasted the wrong sheet"): a user correcting themself. */
  APOLOGY: ['sorry', 'oops', 'my bad', 'apologies', 'perdon', 'perdona', 'lo siento', 'desole', 'pardon', 'entschuldigung', 'desculpe', 'desculpa', 'scusa', 'scusate', 'извини', 'извините', '抱歉', '不好意思', 'すみません', 'ごめん', 'माफ़', 'माफ', 'آسف', 'عذرا'],
  /** "Regardless of", "despite": what came before set aside without the word "ignore" ("regardless of previous tasks", "despite what you were told"). */
  REGARDLESS: [
    'regardless', 'irrespective', 'no matter what', 'independientemente', 'sin importar', 'independamment', 'peu importe', 'unabhangig', 'ungeachtet', 'egal was',
    'independentemente', 'nao importa', 'indipendentemente', 'a prescindere', 'независимо', 'неважно', '无论', '無論', '不管', '不论', '不論', 'に関係なく', 'にかかわらず',
    'बावजूद', 'चाहे जो', 'بغض النظر', 'مهما كان',
    'despite', 'in spite of', 'a pesar de', 'malgre', 'trotz', 'apesar de', 'nonostante', 'несмотря на', '尽管', '儘管', 'にもかかわらず', 'के बावजूद', 'رغم', 'على الرغم',
  ],
  /** Software licence keys: the grandmother who read out Windows keys. */
  LICENSE_KEYS: [
    'activation key', 'activation keys', 'product key', 'product keys', 'license key', 'license keys', 'serial key', 'serial keys', 'serial number', 'serial numbers',
    'clave de activacion', 'claves de activacion', 'cle d activation', 'cles d activation', 'aktivierungsschlussel', 'produktschlussel', 'chave de ativacao', 'chaves de ativacao',
    'chiave di attivazione', 'chiavi di attivazione', 'ключ активации', 'ключи активации', 'ключей активации', 'ключа активации', 'ключом активации', '激活密钥', '激活码', '序列号', 'プロダクトキー', 'シリアル番号', 'एक्टिवेशन की', 'مفاتيح التفعيل', 'مفتاح التفعيل',
  ],
  /** Negation as an order ("do not", "never", "不要", "しないで"), not as a statement ("we did not notify the users"). */
  DONT: [
    'do not', 'don t', 'dont', 'never', 'must not', 'mustn', 'should not', 'shouldn', 'no', 'nunca', 'ne', 'jamais', 'nicht', 'nie', 'niemals', 'não', 'nao', 'non', 'mai', 'не', 'никогда',
    '不要', '别', '別', '勿', '不许', '不得', 'しないで', 'ないで', 'するな', 'ないでください', 'मत', 'न', 'لا',
  ],
  /**
   * Things people send and then correct ("ignore the earlier version", "पिछली फ़ाइल को अनदेखा करें"): a previous one of these is
   * not the assistant's instructions.
   */
  ARTIFACT: [
    'version', 'versions', 'draft', 'attachment', 'spreadsheet', 'list', 'copy', 'sheet', 'pdf', 'invoice', 'quote',
    'versión', 'version', 'borrador', 'adjunto', 'lista', 'hoja', 'factura', 'brouillon', 'pièce jointe', 'piece jointe', 'liste', 'facture', 'devis',
    'entwurf', 'anhang', 'tabelle', 'rechnung', 'angebot', 'versão', 'versao', 'rascunho', 'anexo', 'planilha', 'fatura', 'versione', 'bozza', 'allegato', 'preventivo', 'fattura',
    'верси*', 'черновик', 'вложени*', 'список', 'таблиц*', 'счёт', 'счет', '版本', '草稿', '附件', '清单', '列表', '表格', '发票', 'バージョン', '下書き', '添付', 'リスト', '請求書',
    'संस्करण', 'वर्ज़न', 'वर्जन', 'फ़ाइल', 'फाइल', 'लिस्ट', 'सूची', 'ड्राफ्ट', 'نسخة', 'النسخه', 'نسخه', 'المسوده', 'مسوده', 'المرفق', 'الملف', 'ملف', 'القائمه', 'قائمه',
    // messages and invitations sent and then corrected ("please disregard my previous email", "请忽略之前的会议通知")
    'email', 'emails', 'e-mail', 'mail', 'message', 'invite', 'invitation', 'notice', 'notification', 'budget', 'estimate',
    'correo', 'mensaje', 'invitación', 'invitacion', 'convocatoria', 'presupuesto', 'courriel', 'convocation', 'nachricht', 'einladung', 'mensagem', 'convite', 'orçamento', 'orcamento',
    'messaggio', 'invito', 'письмо', 'сообщение', 'приглашение', '邮件', '郵件', '消息', '通知', 'メール', 'メッセージ', '案内', 'ईमेल', 'संदेश', 'मैसेज', 'निमंत्रण',
    'رساله', 'رسالتي', 'الرساله', 'الدعوه', 'دعوه', 'البريد',
  ],
  /** Closing the task at hand, the first half of a task switch ("Very good. That is done. Now..."). */
  DONE: [
    'that is done', 'that s done', 'thats done', 'well done', 'very good', 'good job', 'great job', 'excellent performance', 'perfect', 'task completed', 'you passed', 'congratulations',
    'eso está hecho', 'eso esta hecho', 'muy bien', 'buen trabajo', 'c est fait', 'très bien', 'tres bien', 'bien joué', 'bien joue', 'das ist erledigt', 'erledigt', 'sehr gut', 'gut gemacht', 'super gemacht',
    'isso está feito', 'muito bem', 'bom trabalho', 'fatto', 'molto bene', 'ottimo lavoro', 'это сделано', 'готово', 'отлично', 'молодец', '做得好', '很好', '完成了', 'よくできました', '完了しました', 'बहुत अच्छा', 'शाबाश', 'احسنت', 'ممتاز', 'تم ذلك',
  ],
  /** "Now" opening the next thing to do. */
  SWITCH: ['now', 'next', 'jetzt', 'nun', 'ahora', 'maintenant', 'agora', 'ora', 'теперь', 'сейчас', '现在', '接下来', '今度は', 'では', 'अब', 'الان', 'الآن'],
  /** An interruption ("stop -", "ACHTUNG - STOPP"). */
  /** A program's function: calling one is what code answers talk about, so it is weaker evidence than calling a tool. */
  FUNCTION: ['function', 'functions', 'función', 'funcion', 'fonction', 'funktion', 'função', 'funcao', 'funzione', 'функци*', '函数', '函數', '関数', 'फ़ंक्शन', 'फंक्शन', 'دالة', 'الدالة'],
  /** The assistant told it *is now* someone else, mid-conversation (not "imagine you are", "pretend to be": role-play a user asks for openly). */
  PERSONA_SWITCH: [
    'now you are', 'now you re', 'you are now', 'you re now', 'from now on you are', 'ahora eres', 'ahora tu eres', 'ahora usted es', 'a partir de ahora eres',
    'maintenant tu es', 'maintenant vous etes', 'tu es maintenant', 'vous etes maintenant', 'désormais tu es', 'desormais tu es', 'jetzt bist du', 'nun bist du', 'du bist jetzt', 'du bist nun', 'ab jetzt bist du', 'ab sofort bist du', 'von nun an bist du', 'sie sind jetzt',
    'agora voce e', 'agora você é', 'voce agora e', 'você agora é', 'ora sei', 'ora tu sei', 'adesso sei', 'da ora sei', 'теперь ты', 'теперь вы', 'отныне ты', 'ты теперь',
    '现在你是', '現在你是', '你现在是', '你現在是', '从现在起你是', '今からあなたは', 'これからあなたは', 'あなたは今', 'あなたはもう', 'अब तुम', 'अब आप', 'तुम अब', 'आप अब', 'आज से तुम', 'आज से आप', 'الان انت', 'انت الان', 'من الان انت',
  ],
  STOP: ['stop', 'stopp', 'halt', 'arrête', 'arrete', 'detente', 'detén', 'pare', 'fermati', 'basta', 'стоп', 'хватит', '停', '停止', 'ストップ', 'やめて', 'रुको', 'बंद करो', 'توقف'],
  /** Personal attributes of a person (asked of "the user": data the assistant holds about someone else). */
  PERSONAL: [
    'name', 'names', 'full name', 'initials', 'address', 'home address', 'email address', 'phone number', 'phone', 'birthday', 'birth date', 'date of birth', 'birth month', 'birth year', 'age',
    'location', 'city', 'residence', 'lives', 'live', 'ssn', 'social security', 'salary', 'income', 'medical', 'diagnosis', 'credit card', 'bank account', 'account number', 'balance', 'bank balance',
    'nombre', 'dirección', 'direccion', 'teléfono', 'telefono', 'cumpleaños', 'fecha de nacimiento', 'edad', 'ciudad', 'vive', 'salario', 'nom', 'adresse', 'téléphone', 'anniversaire', 'date de naissance', 'âge', 'ville', 'habite', 'salaire',
    'namen', 'adresse', 'e-mail-adresse*', 'email-adresse*', 'telefonnummer', 'geburtstag', 'geburtsdatum', 'alter', 'stadt', 'wohnt', 'gehalt', 'nome', 'endereço', 'endereco', 'telefone', 'aniversário', 'data de nascimento', 'idade', 'cidade', 'mora', 'salário',
    'indirizzo', 'numero di telefono', 'compleanno', 'data di nascita', 'età', 'citta', 'città', 'abita', 'stipendio', 'имя', 'адрес', 'телефон', 'день рождения', 'дата рождения', 'возраст', 'город', 'живет', 'живёт', 'зарплат*',
    '名字', '姓名', '地址', '电话', '電話', '生日', '出生日期', '年龄', '年齡', '住在', '住址', '工资', '名前', '住所', '電話番号', '誕生日', '生年月日', '年齢', '住んで', '給料',
    'नाम', 'पता', 'फ़ोन', 'फोन', 'जन्मदिन', 'जन्म तिथि', 'उम्र', 'शहर', 'रहता', 'रहती', 'वेतन', 'اسم', 'الاسم', 'عنوان', 'العنوان', 'هاتف', 'رقم الهاتف', 'عيد ميلاد', 'تاريخ الميلاد', 'عمر', 'مدينه', 'يسكن', 'راتب',
  ],
  GEN_TASK: TASK_VERBS,
  /** Words that may open a request before its verb ("please explain", "can you write"). */
  POLITE: [
    'please', 'kindly', 'can you', 'could you', 'would you', 'will you', 'now', 'then', 'also', 'por favor', 'puedes', 'podrías', 'podrias', 's il te plait', 's il vous plait', 'peux-tu', 'pourrais-tu', 'bitte', 'kannst du', 'könntest du',
    'por favor', 'pode', 'poderia', 'per favore', 'puoi', 'potresti', 'пожалуйста', 'можешь', '请', '請', 'ください', 'कृपया', 'من فضلك', 'رجاء', 'lütfen', 'lutfen', 'proszę', 'prosze', 'tolong', 'alsjeblieft', 'xin', '제발', 'παρακαλώ',
  ],
  /** First person: "my password" is the user's own business, not the assistant's secret. */
  MY: [
    'my', 'mine', 'our', 'mi', 'mis', 'nuestro', 'nuestra', 'mon', 'ma', 'mes', 'notre', 'nos', 'mein*', 'unser*', 'meu', 'minha', 'meus', 'minhas', 'nosso', 'nossa', 'mio', 'mia', 'miei', 'mie', 'nostro', 'nostra',
    'мой', 'моя', 'мои', 'моего', 'мою', 'моей', 'наш*', 'я', '我的', '我们的', '私の', '僕の', 'मेरा', 'मेरी', 'मेरे', 'हमारा', 'हमारी', 'حسابي', 'mijn', 'benim', 'moje', 'mój', 'moj', 'saya', '내', '제', 'μου',
    // The sender's earlier mail, as Chinese and Japanese corrections name it.
    '先ほどのメール', '先のメール', '前のメール', '前回のメール', '以前のメール', '之前的邮件', '上一封邮件', '之前那封邮件', '上封邮件',
  ],
  /** Talk about passwords as a topic (strength, reset, storage), not a request for one held by the assistant. */
  SECRET_CARE: [
    'strong', 'stronger', 'secure', 'security', 'reset', 'change', 'create', 'forgot', 'forgotten', 'recover', 'recovery', 'manage', 'manager', 'protect', 'safe', 'hash', 'hashing', 'hashed', 'generate', 'generator', 'policy', 'strength', 'weak', 'store', 'storing', 'encrypt',
    'segura', 'seguro', 'seguridad', 'restablecer', 'cambiar', 'crear', 'olvidé', 'olvide', 'recuperar', 'sécurisé', 'securise', 'sécurité', 'réinitialiser', 'oublié', 'oublie', 'créer', 'sicher', 'sicherheit', 'zurücksetzen', 'zurucksetzen', 'vergessen', 'erstellen', 'ändern',
    'segura', 'segurança', 'redefinir', 'esqueci', 'criar', 'sicura', 'sicurezza', 'reimpostare', 'dimenticato', 'creare', 'надежн*', 'безопасн*', 'сбросить', 'забыл', 'забыла', 'создать', '安全', '重置', '忘了', '忘记了', '强密码', '強い', '安全な', 'リセット', '忘れた', 'मजबूत', 'सुरक्षित', 'रीसेट', 'भूल गया', 'قويه', 'امان', 'نسيت', 'نسيان',
  ],
};
