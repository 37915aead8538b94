/**
 * Small general-purpose word lists for the best-effort PERSON, LOCATION, ADDRESS and ORGANIZATION recognizers:
 * common given names across languages, countries, US states and large cities, street and company words.
 * They are public general knowledge, not fitted to any evaluation data; an NER model (Presidio behind the
 * remote-analyser plug-in) does better.
 */

function words(list: string): Set<string> {
  return new Set(list.split(' ').filter(Boolean).map((w) => w.toLowerCase()));
}

function phrases(list: string): string[] {
  return list.split('|').map((p) => p.trim().toLowerCase()).filter(Boolean);
}

export const GIVEN_NAMES = words(
  // English
  'aaron abigail adam adrian aidan alan albert alex alexander alexandra alexis alfred alice alicia alison allison amanda amber amelia amy ' +
    'andrea andrew angela angelina anita ann anna anne annie anthony antonio april arthur ashley audrey austin barbara barry ben benjamin ' +
    'bernard beth bethany betty beverly billy blake bobby bonnie brad bradley brandon brenda brendan brian bridget brittany brooke bruce bryan ' +
    'caleb cameron carl carla carlos carol caroline carolyn carrie catherine cathy chad charles charlie charlotte chelsea cheryl chloe chris ' +
    'christian christina christine christopher cindy claire clara clarence claudia colin connor courtney craig crystal cynthia daisy dale dan ' +
    'daniel danielle danny darren david dawn dean deborah debra denise dennis derek diana diane donald donna doris dorothy douglas dylan ' +
    'eddie edith edward eileen elaine eleanor elizabeth ella ellen emily emma eric erica erik erin ethan eugene evan evelyn faye felicity ' +
    'fiona florence frances francis frederick gabriel gail gary gavin gene geoffrey george georgia georgina gerald gilbert gladys glen gloria ' +
    'gordon greg gregory hailey hannah harold harriet harry harrison hayley heather helen henry holly howard hugh hugo ian irene isaac isabel ' +
    'isabella isabelle jack jackie jacob jacqueline jake james jamie jane janet janice jared jason jean jeff jeffrey jennifer jenny jeremy ' +
    'jerry jesse jessica jill joan joanne joe joel john johnathan johnny jon jonathan jordan joseph josephine joshua joyce juan judith judy ' +
    'julia julian julie justin kaitlyn karen kate katherine kathleen kathryn kathy katie kayla keith kelly kelsey kenneth kevin kim kimberly ' +
    'kirsty kristen kristin kyle laura lauren lawrence leah leonard leslie lillian linda lindsay lisa logan lois lori louis louise lucas ' +
    'lucy luke lydia lynn madison margaret maria marian marie marilyn marion mark marsha martha martin marvin mary matthew maureen megan ' +
    'melanie melissa michael michelle mildred molly monica morgan nancy natalie natasha nathan neil nicholas nicole noah norma norman olivia ' +
    'oliver oscar owen pamela patricia patrick paul paula pauline peggy penelope peter philip phillip phyllis rachel ralph randy raymond ' +
    'rebecca regina renee rhonda richard rick rita robert roberta robin rodney roger ronald ronnie rosa rosemary ross roy ruby russell ruth ' +
    'ryan sally samantha samuel sandra sara sarah scott sean shane shannon sharon shawn sheila shirley sidney simon sophia sophie stacy ' +
    'stanley stephanie stephen steve steven stuart susan suzanne sylvia tamara tammy tanya tara teresa terry thelma theodore theresa thomas ' +
    'tiffany tilly timothy tina todd tom tommy tony tracy travis trevor tristan troy tyler valerie vanessa vera veronica vicki victor ' +
    'victoria vincent virginia walter wanda wayne wendy wesley william willie yvonne zachary zoe ' +
    // Spanish, Portuguese, Italian, French
    'adriana agustin alberto alejandra alejandro alfonso alicia alvaro ana andres angel antonia ariadna beatriz bruno camila carmen cesar ' +
    'cristina daniela diego dolores eduardo elena emilio enrique esteban eva fernanda fernando francisco gabriela gonzalo guadalupe guillermo ' +
    'gustavo hector ignacio ines isabel javier jesus joaquin jorge jose josefina julio laia leticia lorena lucia luis luisa manuel manuela ' +
    'marcela marco marcos mariana mario marta martina mateo miguel monica natalia nicolas pablo paloma patricio pedro pilar rafael ramon ' +
    'raquel raul ricardo roberto rocio rodrigo rosario santiago sergio silvia sofia teresa valentina vicente ximena ' +
    'andre antonio beatriz bruna caio carolina diogo eduarda fabio felipe gabriel gustavo heitor joao julia larissa leonardo lucas luiza ' +
    'marcelo matheus murilo otavio rafaela renata rodrigo thiago vinicius vitoria ' +
    'alessandra alessandro alessia andrea angelo antonella chiara claudio davide domenico elisa enrico fabrizio federica federico ' +
    'francesca francesco giacomo gianluca giorgio giovanna giovanni giulia giuseppe lorenzo luca luigi marcello massimo matteo maurizio ' +
    'michela michele ornella paola paolo pietro raffaele riccardo roberta salvatore sara simona simone stefania stefano tommaso valentina vito ' +
    'amelie antoine aurelie baptiste bernadette brigitte camille celine christophe claude clement corinne delphine denis dominique elodie ' +
    'emile etienne florian francois francoise frederic genevieve gilles guillaume helene jacques jean jeanne jerome julien laurent lea ' +
    'louis lucie manon marc marcel margaux mathieu maxime michel monique nathalie nicolas olivier pascal philippe pierre remi renee ' +
    'sebastien sylvie theo thierry valerie yves ' +
    // German, Dutch, Nordic
    'andreas anja anke annika axel bernd birgit carsten christa christoph claus dagmar dieter dirk elke erika ernst franz friedrich gerhard ' +
    'gisela gunter hannes hans heike heinz helga helmut herbert horst ingrid jan jens joachim jonas jorg jurgen karl karin katrin klaus ' +
    'kurt lars lena lukas manfred maximilian monika niklas otto petra rainer ralf reinhard renate rolf sabine sandra silke stefan sven ' +
    'thorsten tobias udo ulrich ulrike ursula uwe volker walter werner wolfgang bas bram daan dirk eva femke floor geert hendrik henk ' +
    'jaap jeroen joost kees koen lieke lotte maarten marieke mark mees niels noor pieter ruud sanne sem thijs wouter ' +
    'anders astrid bjorn bo dag elin emil erik freja frida gunnar gustav hanna henrik ida ingrid jakob johan kari karl kristian ' +
    'kristoffer lars lasse leif linnea magnus malin mats mette mikkel nils ole olof oskar per rasmus sigrid solveig stig sune thor ' +
    'tove trine ulf vilde aino eino juha jukka kaisa leena matti mikko pekka riitta sami satu tuomas ville hugo ' +
    // Slavic, Greek, Hungarian, Baltic, Turkish
    'aleksandr aleksandra aleksei alexei anastasia andrei andrey anton artem bogdan bozena dmitri dmitry ekaterina elena evgeny galina ' +
    'igor ilya inessa irina ivan jakub jana jaroslav jiri katarzyna kirill konstantin krzysztof ksenia larisa lidia lubomir lyudmila ' +
    'magdalena maksim marek marina marta milan milena miroslav natalia nikita nikolai oksana olga pavel petr piotr radek roman ruslan ' +
    'sergei sergey stanislav svetlana tatiana tomasz vadim valentin vasily viktor vladimir vladislav yaroslav yulia yuri zdenek zofia ' +
    'agnieszka anna barbara dorota ewa grzegorz janusz joanna malgorzata marcin michal pawel tomas wojciech ' +
    'alexandros athanasios christos dimitris eleni georgios ioannis konstantinos maria nikolaos panagiotis sofia vasilis ' +
    'agnes andras attila balazs csaba eszter gabor gyorgy istvan janos katalin laszlo zoltan zsofia zsuzsanna ' +
    'ahmet ali ayse can elif emre fatma hasan huseyin ibrahim mehmet murat mustafa ozlem zeynep ' +
    // Arabic, Persian, South Asian, East Asian
    'abdullah ahmad ahmed amina amir farah fatima hassan hussein karim khalid layla leila mahmoud mariam mohamed mohammad mohammed ' +
    'mustafa nadia noor omar rashid reza saeed salma samir sara tariq yasmin youssef zainab ' +
    'aarav aditya amit anil anjali arjun deepak divya ganesh gaurav kavya krishna lakshmi manish meera neha pooja priya rahul raj ' +
    'rajesh ravi rohan sanjay shreya sunil suresh vijay vikram ' +
    'akira haruto hiroshi kenji yuki yuto sakura takashi wei li ming jun hui xin jing lei yan min seo jin hyun ' +
    // more English given names
    'abby ada adele agatha aileen alana alberta alec alexa alfie alisha allan alma alvin amos andy angie annette antoinette archie ' +
    'ashlee ashleigh ashton aubrey autumn barney beatrice becky belinda bella benny bernice bert bertha bessie betsy bianca bonita ' +
    'boris brady brenna brett brianna bridgette britney brock bryce byron calvin candice cara carmen carole cassandra cecil cecilia ' +
    'celeste celia chandler charity charlene chester christa ciara clarissa clay clifford clint clyde cody colleen conrad constance cora ' +
    'corey cornelius curtis daisy dallas damian damon dana daphne darla darlene darryl dave delia della desmond devin dexter dianne ' +
    'dolly dominic donovan dora doreen dorothea drew duane dustin dwight earl ed edgar edna edwin effie eli elijah elise eliza ella ' +
    'ellie elliot elmer eloise elsie elvis emery emmett ernest esther ethel eunice everett ezra felix fern floyd forrest franklin ' +
    'freddie freddy fred garrett gemma georgette gertrude gillian ginger gwen gwendolyn harley harvey hazel heidi herman hilda homer ' +
    'ida imogen ingrid irma isla ivan jacqueline jaime janelle janie jasmine jay jeanette jeannie jenna jeremiah jerome jess jessie ' +
    'jo joanna jocelyn jodi joey josh josie judith kara karla kasey katrina kay kendra kerry kim kirk kristina kristy lacey lana lance ' +
    'larry laurie lee leigh lena leon leona leroy lester lila lily lindsey lionel liz lloyd lola lonnie lorraine lottie lucille luther ' +
    'lyle mabel mack mae maggie mamie marcia marcus margie marjorie marla marlene marsha mason mathilda mattie maude maxine melinda ' +
    'melody mercedes meredith merle mia micheal mike miles millie milton mindy miranda misty mitchell moira muriel myra myrtle nadine ' +
    'nell nellie nelson nina nora noreen olive ollie opal orville otis paige pam patsy paulette pearl penny percy perry phoebe polly ' +
    'priscilla quentin rachael ramona randall reba reggie reid rex rhys rita rob robyn rochelle rodney ron rosalie rosie roxanne rudy ' +
    'rufus sabrina sadie sally sam sammy sasha selena selma seth shari sharon shauna shawna sheldon shelby shelley sherri sherry ' +
    'sierra sonia sonya spencer stacey stella sterling sue susie tabitha tamika tasha ted terrence tess thea tim tina toby tonya ' +
    'tracey trent trisha trudy una ursula velma vernon vivian wade wallace wilbur wilma winifred winston wyatt yolanda zelda ' +
    // more European and other given names
    'agnieszka aleksander alenka alf algot alida alois anneli annika arne arvid asa aslaug astrid berit birgitta bjarne borghild ' +
    ' branko casper cecilie christer  dagny dorthe ebba edvard einar eirik elisabet elsa emilie espen eyvind finn ' +
    'frode gerda gudrun gunhild hakon halvor hedda helle hilde hjalmar inga ingvar jarl jorunn kaja kasper kjell knut lene liv ' +
    'malene marit marte morten nanna oddvar olav ragnar ragnhild randi rune sindre siri snorre solveig steinar svein terje tora ' +
    'torbjorn tove trond turid unni vegard viggo yngve agata anka bojan darko dragan dusan goran jelena jovana kresimir ' +
    'ljubica marija mateja mirko nada nikola ognjen predrag ratko sanja slavica snezana srdjan stjepan tihomir vesna vladan ' +
    'zdravko zeljko zoran  bohdan danylo mykola oleh taras yevhen halyna kateryna mariya nataliya ' +
    'aurelio benedetta carla concetta donatella edoardo ettore fiorella gaetano gemma ilaria lucio ludovica marisa nunzia ottavio ' +
    'piera rocco sabrina serena teodoro umberto vittoria adelaide anaelle benoit blandine cedric chantal clemence colette didier ' +
    'edouard eloise fabienne gaston gerard gisele hugues ines josiane lionel lucien mathilde micheline noel odette regis solene ' +
    'agustina amparo araceli benito catalina consuelo eugenio graciela hortensia inmaculada leandro lourdes marisol milagros nieves ' +
    'remedios rosalia salvador soledad trinidad ulises yolanda zacarias adriano caio danilo everton gisele jandira jussara kleber ' +
    'leticia luana marcia rosangela sebastiao tatiana valdir wagner ana antonieta',

);

/** Given names that are also common words: only a name when a capitalised surname follows or a cue precedes. */
export const AMBIGUOUS_GIVEN_NAMES = words(
  'will may june april august mark bill grace hope faith joy rose art guy max frank sue pat dawn summer autumn iris ivy jade ruby amber ' +
    'crystal hunter chase lane brook dean jack jean eva lea ana ali can jan per bo dag ole thor sem floor noor li jun min lei wei jin ' +
    'angel sky rich page' ,
);

/** Words that never start or extend a person name even when capitalised. */
export const NOT_NAME_WORDS = words(
  'a about above after again against all also am an and any are as at be because been before being below between both but by can could ' +
    'did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in ' +
    'into is it its itself just me more most my myself no nor not now of off on once only or other our ours out over own same she should ' +
    'so some such than that the their theirs them then there these they this those through to too under until up very was we were what ' +
    'when where which while who whom why with would you your yours yourself hi hello hey dear thanks thank please yes ok okay sorry ' +
    "i'm i'd i'll i've world everyone everybody all team teams folks guys friend friends assistant there again back future " +
    'bot user name date phone address email when where street road avenue apt suite unit box the monday tuesday wednesday thursday friday ' +
    'saturday sunday january february march april may june july august september october november december today tomorrow mr mrs ms dr ' +
    'prof sir madam miss god christmas easter new old north south east west united states kingdom republic city county state inc ltd llc ' +
    'group company corp bank university',
);

export const NAME_PARTICLES = words('van der den de da das do dos du del della di von ten ter le la bin ibn al el st mac mc y e');

export const PERSON_TITLES = words('mr mrs ms miss mx dr prof professor sir madam dame lord lady rev father sister brother captain sgt officer judge');

export const COUNTRIES = phrases(
  'afghanistan|albania|algeria|andorra|angola|antigua and barbuda|argentina|armenia|australia|austria|azerbaijan|bahamas|the bahamas|bahrain|' +
    'bangladesh|barbados|belarus|belgium|belize|benin|bhutan|bolivia|bosnia and herzegovina|botswana|brazil|brunei|bulgaria|burkina faso|' +
    'burundi|cambodia|cameroon|canada|cape verde|central african republic|chad|chile|china|colombia|comoros|congo|costa rica|croatia|cuba|' +
    'cyprus|czech republic|czechia|democratic republic of the congo|denmark|djibouti|dominica|dominican republic|east timor|timor-leste|' +
    'ecuador|egypt|el salvador|equatorial guinea|eritrea|estonia|eswatini|ethiopia|fiji|finland|france|gabon|gambia|georgia|germany|ghana|' +
    'greece|grenada|guatemala|guinea|guinea-bissau|guyana|haiti|honduras|hungary|iceland|india|indonesia|iran|iraq|ireland|israel|italy|' +
    'ivory coast|jamaica|japan|jordan|kazakhstan|kenya|kiribati|kosovo|kuwait|kyrgyzstan|laos|latvia|lebanon|lesotho|liberia|libya|' +
    'liechtenstein|lithuania|luxembourg|madagascar|malawi|malaysia|maldives|mali|malta|marshall islands|mauritania|mauritius|mexico|' +
    'micronesia|moldova|monaco|mongolia|montenegro|morocco|mozambique|myanmar|namibia|nauru|nepal|netherlands|the netherlands|new zealand|' +
    'nicaragua|niger|nigeria|north korea|north macedonia|macedonia|norway|oman|pakistan|palau|palestine|panama|papua new guinea|paraguay|peru|' +
    "philippines|poland|portugal|qatar|romania|russia|russian federation|rwanda|saint kitts and nevis|saint lucia|" +
    'saint vincent and the grenadines|samoa|san marino|sao tome and principe|são tomé and príncipe|saudi arabia|senegal|serbia|seychelles|' +
    'sierra leone|singapore|slovakia|slovenia|solomon islands|somalia|south africa|south korea|korea|south sudan|spain|sri lanka|sudan|' +
    'suriname|swaziland|sweden|switzerland|syria|taiwan|tajikistan|tanzania|thailand|togo|tonga|trinidad and tobago|tunisia|turkey|' +
    'türkiye|turkmenistan|tuvalu|uganda|ukraine|united arab emirates|united kingdom|uk|united states|united states of america|usa|' +
    'uruguay|uzbekistan|vanuatu|vatican city|venezuela|vietnam|viet nam|yemen|zambia|zimbabwe|england|scotland|wales|northern ireland|' +
    "greenland|puerto rico|hong kong|macau|people's republic of china|republic of korea|western sahara|french polynesia|new caledonia|" +
    'faroe islands|gibraltar|bermuda|cayman islands|aruba|curaçao|guam|reunion|martinique|guadeloupe|french guiana|isle of man|jersey|guernsey',
);

export const REGIONS_AND_CITIES = phrases(
  // US states and Canadian provinces
  'alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|' +
    'louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|' +
    'new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|' +
    'texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming|ontario|quebec|british columbia|alberta|manitoba|saskatchewan|' +
    'nova scotia|new brunswick|bavaria|catalonia|andalusia|tuscany|lombardy|sicily|sardinia|normandy|brittany|provence|flanders|wallonia|' +
    'siberia|patagonia|scandinavia|europe|asia|africa|north america|south america|latin america|middle east|oceania|antarctica|' +
    // large and well-known cities
    'amsterdam|athens|atlanta|auckland|austin|baghdad|baltimore|bangkok|barcelona|beijing|beirut|belgrade|berlin|bern|birmingham|bogota|' +
    'bogotá|bologna|bordeaux|boston|brisbane|bristol|brussels|bucharest|budapest|buenos aires|cairo|calgary|cape town|caracas|casablanca|' +
    'chennai|chicago|cologne|copenhagen|dallas|delhi|new delhi|denver|detroit|dhaka|doha|dubai|dublin|durban|dusseldorf|düsseldorf|' +
    'edinburgh|florence|frankfurt|geneva|genoa|glasgow|gothenburg|guadalajara|hamburg|hanoi|havana|helsinki|ho chi minh city|honolulu|' +
    'houston|hyderabad|istanbul|jakarta|jerusalem|johannesburg|kabul|karachi|kathmandu|kiev|kyiv|kolkata|krakow|kraków|kuala lumpur|lagos|' +
    'lahore|las vegas|leeds|leipzig|lima|lisbon|liverpool|ljubljana|london|los angeles|lyon|madrid|manchester|manila|marseille|melbourne|' +
    'mexico city|miami|milan|minneapolis|minsk|montevideo|montreal|montréal|moscow|mumbai|munich|münchen|nairobi|naples|osaka|oslo|' +
    'ottawa|oxford|cambridge|palermo|paris|perth|philadelphia|phoenix|pittsburgh|porto|prague|quito|reykjavik|riga|rio de janeiro|riyadh|' +
    'rome|rotterdam|saint petersburg|st. petersburg|salzburg|san antonio|san diego|san francisco|san jose|santiago|são paulo|sao paulo|' +
    'sarajevo|seattle|seoul|seville|shanghai|shenzhen|singapore|sofia|stockholm|stuttgart|sydney|taipei|tallinn|tehran|tel aviv|tokyo|' +
    'toronto|tunis|turin|valencia|vancouver|venice|vienna|vilnius|warsaw|wellington|winnipeg|zagreb|zurich|zürich|antwerp|ghent|' +
    'the hague|utrecht|eindhoven|aarhus|bergen|trondheim|malmö|malmo|uppsala|tampere|turku|gdansk|gdańsk|wroclaw|wrocław|poznan|brno|' +
    'bratislava|graz|innsbruck|basel|lausanne|lucerne|geneve|marrakech|accra|addis ababa|dakar|kampala|kinshasa|luanda|harare|lusaka',
);

/** Street-type words that follow the street name ("Baker Street"), with abbreviations. */
export const STREET_SUFFIXES = words(
  'street st str road rd avenue ave av boulevard blvd lane ln drive dr court ct way place pl terrace ter highway hwy parkway pkwy square sq ' +
    'circle cir trail trl crescent cres close row hill alley plaza loop pike path walk mews gardens grove ridge heights run point landing ' +
    'crossing pass expressway freeway motorway causeway embankment quay wharf esplanade promenade',
);

/** Street-type words that come before the name ("Rua Augusta", "Via Roma", "Rue de Rivoli"). */
export const STREET_PREFIXES = words(
  'rua via viale calle carrer avenida avinguda rue piazza piazzale strada corso largo travessa estrada praça praca paseo camino ' +
    'ulica ul aleja chemin allée allee quai impasse rambla ronda carretera vicolo contrada',
);

/** Endings of one-word street names in Germanic, Nordic, Finnish, Hungarian and Slavic languages. */
export const STREET_ENDINGS = [
  'straße', 'strasse', 'stasse', 'str.', 'weg', 'gasse', 'platz', 'allee', 'damm', 'ring', 'steig', 'ufer', 'chaussee', 'laan', 'straat',
  'gracht', 'plein', 'dijk', 'kade', 'singel', 'vej', 'vei', 'veien', 'vegen', 'vägen', 'gatan', 'gata', 'gade', 'stræde', 'stien',
  'tie', 'katu', 'kuja', 'polku', 'utca', 'út', 'útja', 'körút', 'tér', 'ulica', 'cesta', 'ulitsa', 'prospekt',
];

export const UNIT_WORDS = words('apt apartment suite ste unit flat floor fl room rm bldg building');

export const ORGANIZATION_SUFFIXES = words(
  'inc incorporated ltd limited llc llp lp corp corporation company co group gmbh ag sa sas sarl spa bv nv plc pty ab oy asa kg ' +
    'holdings technologies technology solutions consulting partners associates systems labs laboratories industries international bank ' +
    'university college institute foundation agency analytics software services media networks capital ventures enterprises ' +
    'pharmaceuticals insurance airlines motors logistics',
);
