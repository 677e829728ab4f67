/**
 * Name and place data for the synthetic demo clinic (electron/demo/generator.ts). Weights are approximate frequencies
 * per 100,000 people: surnames after the US Census Bureau's 2010 surname table, first names after the SSA's national
 * baby-name counts across birth decades. Everything here is public aggregate data; no person is described.
 */

/** [surname, weight per 100k] — the most common US surnames. */
export const SURNAMES: readonly (readonly [string, number])[] = [
  ['Smith', 828], ['Johnson', 655], ['Williams', 551], ['Brown', 487], ['Jones', 483], ['Garcia', 467], ['Miller', 424],
  ['Davis', 404], ['Rodriguez', 382], ['Martinez', 367], ['Hernandez', 363], ['Lopez', 310], ['Gonzalez', 284],
  ['Wilson', 273], ['Anderson', 267], ['Thomas', 261], ['Taylor', 257], ['Moore', 244], ['Jackson', 240], ['Martin', 236],
  ['Lee', 229], ['Perez', 224], ['Thompson', 223], ['White', 220], ['Harris', 211], ['Sanchez', 202], ['Clark', 190],
  ['Ramirez', 189], ['Lewis', 181], ['Robinson', 179], ['Walker', 175], ['Young', 164], ['Allen', 163], ['King', 162],
  ['Wright', 161], ['Scott', 153], ['Torres', 148], ['Nguyen', 148], ['Hill', 147], ['Flores', 145], ['Green', 144],
  ['Adams', 143], ['Nelson', 142], ['Baker', 140], ['Hall', 138], ['Rivera', 131], ['Campbell', 130], ['Mitchell', 129],
  ['Carter', 128], ['Roberts', 127], ['Gomez', 120], ['Phillips', 118], ['Evans', 117], ['Turner', 116], ['Diaz', 115],
  ['Parker', 114], ['Cruz', 113], ['Edwards', 112], ['Collins', 111], ['Reyes', 110], ['Stewart', 109], ['Morris', 106],
  ['Morales', 105], ['Murphy', 104], ['Cook', 103], ['Rogers', 102], ['Gutierrez', 100], ['Ortiz', 99], ['Morgan', 98],
  ['Cooper', 97], ['Peterson', 96], ['Bailey', 95], ['Reed', 94], ['Kelly', 93], ['Howard', 92], ['Ramos', 91],
  ['Kim', 90], ['Cox', 89], ['Ward', 88], ['Richardson', 87], ['Watson', 86], ['Brooks', 85], ['Chavez', 84], ['Wood', 83],
  ['James', 82], ['Bennett', 81], ['Gray', 80], ['Mendoza', 79], ['Ruiz', 78], ['Hughes', 77], ['Price', 76],
  ['Alvarez', 75], ['Castillo', 74], ['Sanders', 73], ['Patel', 72], ['Myers', 71], ['Long', 70], ['Ross', 69],
  ['Foster', 68], ['Jimenez', 67], ['Powell', 66], ['Jenkins', 65], ['Perry', 64], ['Russell', 63], ['Sullivan', 62],
  ['Bell', 61], ['Coleman', 60], ['Butler', 59], ['Henderson', 58], ['Barnes', 57], ['Gonzales', 56], ['Fisher', 55],
  ['Vasquez', 54], ['Simmons', 53], ['Romero', 52], ['Jordan', 51], ['Patterson', 50], ['Alexander', 49],
  ['Hamilton', 48], ['Graham', 47], ['Reynolds', 46], ['Griffin', 45], ['Wallace', 44], ['Moreno', 43], ['West', 42],
  ['Cole', 41], ['Hayes', 40], ['Bryant', 39], ['Herrera', 38], ['Gibson', 37], ['Ellis', 36], ['Tran', 35],
  ['Medina', 34], ['Aguilar', 33], ['Stevens', 32], ['Murray', 31], ['Ford', 30], ['Castro', 30], ['Marshall', 29],
  ['Owens', 29], ['Harrison', 28], ['Fernandez', 28], ['McDonald', 27], ['Woods', 27], ['Washington', 27],
  ['Kennedy', 26], ['Wells', 26], ['Vargas', 26], ['Henry', 25], ['Chen', 25], ['Freeman', 25], ['Webb', 24],
  ['Tucker', 24], ['Guzman', 24], ['Burns', 23], ['Crawford', 23], ['Olson', 23], ['Simpson', 22], ['Porter', 22],
  ['Hunter', 22], ['Gordon', 21], ['Mendez', 21], ['Silva', 21], ['Shaw', 21], ['Snyder', 20], ['Mason', 20],
  ['Dixon', 20], ['Munoz', 20], ['Hunt', 19], ['Hicks', 19], ['Holmes', 19], ['Palmer', 19], ['Wagner', 18],
  ['Black', 18], ['Robertson', 18], ['Boyd', 18], ['Rose', 17], ['Stone', 17], ['Salazar', 17], ['Fox', 17],
  ['Warren', 17], ['Mills', 16], ['Meyer', 16], ['Rice', 16], ['Schmidt', 16], ['Garza', 16], ['Daniels', 15],
  ['Ferguson', 15], ['Nichols', 15], ['Stephens', 15], ['Soto', 15], ['Weaver', 14], ['Ryan', 14], ['Gardner', 14],
  ['Payne', 14], ['Grant', 14], ['Dunn', 13], ['Kelley', 13], ['Spencer', 13], ['Hawkins', 13], ['Arnold', 13],
  ['Pierce', 12], ['Vazquez', 12], ['Hansen', 12], ['Peters', 12], ['Santos', 12], ['Hart', 12], ['Bradley', 11],
  ['Knight', 11], ['Elliott', 11], ['Cunningham', 11], ['Duncan', 11], ['Armstrong', 11], ['Hudson', 10],
  ['Carroll', 10], ['Lane', 10], ['Riley', 10], ['Andrews', 10], ['Alvarado', 10], ['Ray', 10], ['Delgado', 10],
  ['Berry', 10], ['Perkins', 10], ['Hoffman', 10], ['Johnston', 10], ['Matthews', 10], ['Pena', 9], ['Richards', 9],
  ['Contreras', 9], ['Willis', 9], ['Carpenter', 9], ['Lawrence', 9], ['Sandoval', 9], ['Wong', 9], ['Kowalski', 6],
  ['Nowak', 6], ['Kaminski', 5], ['Wojcik', 5], ['Lewandowski', 5], ['Novak', 5], ['Schultz', 8], ['Mueller', 7],
  ['Becker', 7], ['Larson', 8], ['Jensen', 7], ['Christensen', 6], ['Nielsen', 5], ['Yang', 8], ['Huang', 7], ['Wang', 8],
  ['Zhang', 6], ['Liu', 6], ['Singh', 8], ['Shah', 6], ['Khan', 7], ['Ali', 6], ['Ahmed', 6], ['Pham', 7], ['Le', 7],
  ['Vu', 5], ['Park', 8], ['Choi', 5], ['Tanaka', 3], ['Yamamoto', 3], ['Okafor', 2], ['Adeyemi', 2], ['Mensah', 2],
];

/**
 * Surnames that break naive search: accents, apostrophes, spaces, particles, capitals inside. Weighted so that a
 * 5,000-patient demo has several of each and a 1M-patient benchmark has thousands.
 */
export const HARD_SURNAMES: readonly (readonly [string, number])[] = [
  ['García', 60], ['Núñez', 25], ['Muñoz', 30], ['Peña', 25], ['Gómez', 30], ['Rodríguez', 40], ['Hernández', 35],
  ['Martínez', 35], ['Pérez', 30], ['Sánchez', 30], ['Ramírez', 25], ['Jiménez', 20], ['Ibáñez', 10], ['Álvarez', 15],
  ['Fernández', 15], ['Gutiérrez', 15], ['Báez', 8], ['Cortés', 10], ['Ortíz', 6], ['Nuñez', 8], ['Müller', 8],
  ['Schäfer', 5], ['Björk', 3], ['Øster', 2], ['Lefèvre', 4], ['Dubois', 5], ['Côté', 5], ['Gauthier', 4],
  ["O'Brien", 30], ["O'Connor", 25], ["O'Neil", 15], ["O'Neill", 15], ["O'Malley", 8], ["O'Reilly", 8], ["O'Hara", 6],
  ["D'Angelo", 10], ["D'Amico", 6], ["D'Souza", 6], ["Dell'Orto", 2], ['De La Cruz', 25], ['De La Rosa', 12],
  ['De Leon', 15], ['Del Rosario', 10], ['Dos Santos', 6], ['Da Silva', 8], ['Van der Berg', 6], ['Van Buren', 5],
  ['Van Dyke', 6], ['Vander Meer', 3], ['Mac Donald', 5], ['MacDonald', 12], ['McAllister', 6], ['St. John', 5],
  ['St. Clair', 4], ['Le Blanc', 5], ['LeBlanc', 10], ['La Fleur', 3], ['Du Pont', 2], ['Ben-David', 2],
  ['Al-Hassan', 4], ['El-Amin', 3], ['Abu Bakr', 2], ['Nguyễn', 3], ['Trần', 2], ['Lê', 2],
];

/** Surnames often joined with a hyphen in double-barrelled names (Smith-Jones, Garcia-Lopez). */
export const HYPHEN_HALVES = ['Smith', 'Jones', 'Garcia', 'Lopez', 'Brown', 'Taylor', 'Martinez', 'Williams', 'Davis', 'Rivera', 'Hernández', 'Wilson', 'Moore', 'Clark', 'Lewis', 'Young', 'Reyes', 'Cruz'];

/** Roots and endings for the long tail of rarer surnames (real surnames are heavy-tailed: the top 1,000 cover about half). */
export const TAIL_ROOTS = [
  'Ash', 'Black', 'Brad', 'Brook', 'Bur', 'Cal', 'Carl', 'Chester', 'Craw', 'Dal', 'Dar', 'Ed', 'El', 'Fair', 'Fal',
  'Fitz', 'Gal', 'Gold', 'Good', 'Gren', 'Hal', 'Har', 'Hart', 'Hol', 'Kings', 'Kirk', 'Lang', 'Lind', 'Mar', 'Mer',
  'Mor', 'North', 'Oak', 'Pem', 'Penn', 'Rad', 'Red', 'Ros', 'Rut', 'Sal', 'Shel', 'Stan', 'Stock', 'Stra', 'Sum',
  'Thorn', 'Tol', 'Ver', 'Wal', 'Wes', 'Whit', 'Wil', 'Win', 'Wood', 'Yar', 'Kov', 'Pet', 'Lis', 'Bran', 'Cor',
  'Dem', 'Fer', 'Gav', 'Hen', 'Jar', 'Kal', 'Lor', 'Mal', 'Nor', 'Pol', 'Ren', 'Sor', 'Tam', 'Val', 'Zim', 'Smi',
];
export const TAIL_MIDDLES = ['', 'en', 'er', 'in', 'ing', 'ar', 'o', 'el'];
export const TAIL_ENDINGS = [
  'ley', 'ton', 'ford', 'well', 'wood', 'by', 'field', 'man', 'son', 'er', 'stein', 'berg', 'ski', 'sky', 'ez',
  'ini', 'ova', 'enko', 'ard', 'ett', 'more', 'dale', 'wick', 'worth', 'ham', 'land', 'ridge', 'croft', 'ich', 'ovic',
];

/** [first name, weight], female. */
export const FEMALE_GIVEN: readonly (readonly [string, number])[] = [
  ['Mary', 260], ['Patricia', 110], ['Jennifer', 105], ['Linda', 100], ['Elizabeth', 95], ['Barbara', 90],
  ['Susan', 85], ['Jessica', 80], ['Sarah', 78], ['Karen', 75], ['Lisa', 72], ['Nancy', 70], ['Betty', 60],
  ['Sandra', 60], ['Margaret', 60], ['Ashley', 58], ['Kimberly', 56], ['Emily', 55], ['Donna', 52], ['Michelle', 52],
  ['Carol', 50], ['Amanda', 50], ['Melissa', 48], ['Deborah', 47], ['Stephanie', 46], ['Dorothy', 45], ['Rebecca', 44],
  ['Sharon', 43], ['Laura', 42], ['Cynthia', 41], ['Amy', 40], ['Kathleen', 40], ['Angela', 39], ['Shirley', 38],
  ['Brenda', 37], ['Emma', 37], ['Anna', 36], ['Pamela', 35], ['Nicole', 35], ['Samantha', 34], ['Katherine', 34],
  ['Christine', 33], ['Helen', 33], ['Debra', 32], ['Rachel', 32], ['Carolyn', 31], ['Janet', 31], ['Maria', 31],
  ['Catherine', 30], ['Heather', 30], ['Diane', 29], ['Olivia', 29], ['Julie', 28], ['Joyce', 28], ['Victoria', 27],
  ['Ruth', 27], ['Virginia', 26], ['Lauren', 26], ['Kelly', 25], ['Christina', 25], ['Joan', 24], ['Evelyn', 24],
  ['Judith', 23], ['Andrea', 23], ['Hannah', 22], ['Megan', 22], ['Cheryl', 21], ['Jacqueline', 21], ['Martha', 20],
  ['Madison', 20], ['Teresa', 20], ['Gloria', 19], ['Sara', 19], ['Janice', 18], ['Ann', 18], ['Kathryn', 18],
  ['Abigail', 17], ['Sophia', 17], ['Frances', 16], ['Jean', 16], ['Alice', 16], ['Judy', 15], ['Isabella', 15],
  ['Julia', 15], ['Grace', 14], ['Amber', 14], ['Denise', 14], ['Danielle', 13], ['Marilyn', 13], ['Beverly', 13],
  ['Charlotte', 12], ['Natalie', 12], ['Theresa', 12], ['Diana', 12], ['Brittany', 11], ['Doris', 11], ['Kayla', 11],
  ['Alexis', 11], ['Lori', 10], ['Marie', 10], ['Guadalupe', 10], ['Rosa', 10], ['Ana', 10], ['Yesenia', 6],
  ['Mei', 5], ['Priya', 6], ['Aaliyah', 6], ['Imani', 4], ['Fatima', 5], ['Ngoc', 3], ['Ji-woo', 2], ['Mary Ann', 6],
  ['Anne-Marie', 4], ['Mary Beth', 3],
];

/** [first name, weight], male. */
export const MALE_GIVEN: readonly (readonly [string, number])[] = [
  ['James', 330], ['Robert', 320], ['John', 320], ['Michael', 300], ['David', 240], ['William', 230], ['Richard', 170],
  ['Joseph', 160], ['Thomas', 150], ['Christopher', 140], ['Charles', 135], ['Daniel', 130], ['Matthew', 120],
  ['Anthony', 110], ['Mark', 105], ['Donald', 100], ['Steven', 95], ['Andrew', 90], ['Paul', 88], ['Joshua', 85],
  ['Kenneth', 80], ['Kevin', 78], ['Brian', 76], ['George', 74], ['Timothy', 70], ['Ronald', 68], ['Jason', 66],
  ['Edward', 64], ['Jeffrey', 62], ['Ryan', 60], ['Jacob', 58], ['Gary', 56], ['Nicholas', 54], ['Eric', 52],
  ['Jonathan', 50], ['Stephen', 48], ['Larry', 46], ['Justin', 44], ['Scott', 42], ['Brandon', 41], ['Benjamin', 40],
  ['Samuel', 38], ['Gregory', 37], ['Alexander', 36], ['Patrick', 35], ['Frank', 34], ['Raymond', 33], ['Jack', 32],
  ['Dennis', 31], ['Jerry', 30], ['Tyler', 29], ['Aaron', 28], ['Jose', 28], ['Adam', 27], ['Nathan', 26], ['Henry', 25],
  ['Zachary', 24], ['Douglas', 23], ['Peter', 22], ['Kyle', 21], ['Noah', 20], ['Ethan', 20], ['Jeremy', 19],
  ['Walter', 19], ['Christian', 18], ['Keith', 18], ['Roger', 17], ['Terry', 17], ['Austin', 16], ['Sean', 16],
  ['Gerald', 15], ['Carl', 15], ['Harold', 14], ['Dylan', 14], ['Arthur', 13], ['Lawrence', 13], ['Jordan', 12],
  ['Jesse', 12], ['Bryan', 12], ['Billy', 11], ['Bruce', 11], ['Gabriel', 11], ['Joe', 10], ['Logan', 10],
  ['Albert', 10], ['Willie', 10], ['Alan', 10], ['Eugene', 9], ['Russell', 9], ['Vincent', 9], ['Liam', 9],
  ['Elijah', 9], ['Juan', 12], ['Luis', 10], ['Carlos', 10], ['Miguel', 8], ['Jorge', 6], ['Wei', 5], ['Raj', 4],
  ['Mohammed', 6], ['Omar', 4], ['Duc', 3], ['Min-jun', 2], ['Kwame', 2], ['Jean-Luc', 2], ['Juan Carlos', 4],
];

/** Accented and unusual first names (search must find "Zoe" for Zoë, "beatrice" for Béatrice). */
export const HARD_FEMALE_GIVEN: readonly (readonly [string, number])[] = [
  ['Zoë', 10], ['Béatrice', 6], ['María', 20], ['Chloé', 6], ['Renée', 8], ['Noémie', 4], ['Inés', 5], ['Sofía', 8],
  ['Lucía', 6], ['Ximena', 3], ['Siobhán', 3], ['Aoife', 2], ['Zoe', 8], ['Ángela', 4], ['Mónica', 4], ['Dolores', 4],
];
export const HARD_MALE_GIVEN: readonly (readonly [string, number])[] = [
  ['José', 20], ['André', 6], ['François', 4], ['Jesús', 8], ['Seán', 4], ['Ramón', 5], ['Joaquín', 4], ['Nicolás', 5],
  ['Björn', 2], ['Jürgen', 2], ['Óscar', 4], ['Raúl', 5], ["D'Andre", 3], ["Ja'Marcus", 2],
];

/** Formal first name -> nicknames people go by (the preferred name on the chart). */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  William: ['Bill', 'Will', 'Billy', 'Liam'], Robert: ['Bob', 'Rob', 'Bobby'], Richard: ['Rick', 'Dick', 'Rich'],
  James: ['Jim', 'Jimmy', 'Jamie'], John: ['Jack', 'Johnny'], Michael: ['Mike', 'Mikey'], Joseph: ['Joe', 'Joey'],
  Thomas: ['Tom', 'Tommy'], Christopher: ['Chris', 'Topher'], Charles: ['Charlie', 'Chuck'], Daniel: ['Dan', 'Danny'],
  Matthew: ['Matt'], Anthony: ['Tony'], Steven: ['Steve'], Andrew: ['Andy', 'Drew'], Kenneth: ['Ken', 'Kenny'],
  Timothy: ['Tim'], Edward: ['Ed', 'Eddie', 'Ted'], Jeffrey: ['Jeff'], Nicholas: ['Nick'], Jonathan: ['Jon'],
  Benjamin: ['Ben'], Samuel: ['Sam'], Gregory: ['Greg'], Alexander: ['Alex', 'Xander'], Patrick: ['Pat'],
  Zachary: ['Zach'], Lawrence: ['Larry'], Jose: ['Pepe'], José: ['Pepe'], Jesús: ['Chuy'], Gerald: ['Jerry'],
  Elizabeth: ['Liz', 'Beth', 'Betsy', 'Lisa'], Margaret: ['Peggy', 'Maggie', 'Meg'], Patricia: ['Pat', 'Patty', 'Trish'],
  Jennifer: ['Jen', 'Jenny'], Barbara: ['Barb'], Susan: ['Sue', 'Suzy'], Jessica: ['Jess'], Deborah: ['Debbie', 'Deb'],
  Rebecca: ['Becky', 'Becca'], Katherine: ['Kate', 'Katie', 'Kathy'], Catherine: ['Cathy', 'Cat'], Kathleen: ['Kathy'],
  Christine: ['Chris', 'Chrissy'], Victoria: ['Vicky', 'Tori'], Samantha: ['Sam'], Dorothy: ['Dot', 'Dottie'],
  Pamela: ['Pam'], Judith: ['Judy'], Abigail: ['Abby'], Frances: ['Fran'], Theresa: ['Terry', 'Tess'],
  Teresa: ['Terry'], Alexandra: ['Alex'], Jacqueline: ['Jackie'], Guadalupe: ['Lupe'], Dolores: ['Lola'],
  Virginia: ['Ginny'], Cynthia: ['Cindy'], Kimberly: ['Kim'], Stephanie: ['Steph'], Natalie: ['Nat'],
};

export const MIDDLE_INITIAL_LETTERS = 'ABCDEFGHIJKLMNOPRSTW';

/** [city, state, ZIP prefix (3 digits), weight]: the clinic is near Chicago; some patients come from further away. */
export const CITIES: readonly (readonly [string, string, string, number])[] = [
  ['Chicago', 'IL', '606', 400], ['Evanston', 'IL', '602', 40], ['Oak Park', 'IL', '603', 40], ['Cicero', 'IL', '608', 30],
  ['Naperville', 'IL', '605', 35], ['Aurora', 'IL', '605', 35], ['Joliet', 'IL', '604', 35], ['Skokie', 'IL', '600', 25],
  ['Schaumburg', 'IL', '601', 25], ['Elgin', 'IL', '601', 25], ['Waukegan', 'IL', '600', 20], ['Berwyn', 'IL', '604', 20],
  ['Des Plaines', 'IL', '600', 20], ['Orland Park', 'IL', '604', 15], ['Riverside', 'IL', '605', 30], ['Gary', 'IN', '464', 15],
  ['Hammond', 'IN', '463', 15], ['Milwaukee', 'WI', '532', 15], ['Kenosha', 'WI', '531', 8], ['Rockford', 'IL', '611', 10],
  ['Peoria', 'IL', '616', 5], ['Springfield', 'IL', '627', 5], ['Indianapolis', 'IN', '462', 4], ['Detroit', 'MI', '482', 3],
  ['St. Louis', 'MO', '631', 3], ['Minneapolis', 'MN', '554', 2], ['Houston', 'TX', '770', 2], ['Los Angeles', 'CA', '900', 2],
  ['New York', 'NY', '100', 2], ['Phoenix', 'AZ', '850', 2], ['Miami', 'FL', '331', 2], ['Atlanta', 'GA', '303', 2],
  ['Denver', 'CO', '802', 1], ['Seattle', 'WA', '981', 1], ['San Juan', 'PR', '009', 1],
];

/** Area codes for phone numbers, by state (fictional subscriber numbers). */
export const AREA_CODES: Readonly<Record<string, readonly string[]>> = {
  IL: ['312', '773', '872', '708', '630', '847', '224', '815', '779', '217', '309'], IN: ['219', '317'], WI: ['414', '262'],
  MI: ['313'], MO: ['314'], MN: ['612'], TX: ['713'], CA: ['213'], NY: ['212'], AZ: ['602'], FL: ['305'], GA: ['404'],
  CO: ['303'], WA: ['206'], PR: ['787'],
};

export const STREET_NAMES = [
  'Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Walnut', 'Chestnut', 'Willow', 'Birch', 'Spruce', 'Lake', 'Hill', 'River',
  'Park', 'Washington', 'Lincoln', 'Jefferson', 'Madison', 'Franklin', 'Jackson', 'Adams', 'Monroe', 'Harrison',
  'Grant', 'Cleveland', 'Prairie', 'Meadow', 'Sunset', 'Highland', 'Ridge', 'Forest', 'Church', 'Mill', 'Spring',
  'Center', 'Main', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Garfield', 'Kedzie', 'Pulaski',
  'Cicero', 'Halsted', 'Ashland', 'Western', 'Damen', 'Division', 'Fullerton', 'Belmont', 'Addison', 'Irving Park',
];
export const STREET_TYPES = ['St', 'Ave', 'Blvd', 'Rd', 'Dr', 'Ln', 'Ct', 'Pl', 'Way', 'Ter'];
export const DIRECTIONS = ['', '', '', 'N ', 'S ', 'E ', 'W '];

/** [payer name, payer id, plan names, member id prefix] */
export const COMMERCIAL_PAYERS: readonly (readonly [string, string, readonly string[], string, number])[] = [
  ['Blue Cross Blue Shield of Illinois', '00621', ['BlueAdvantage HMO', 'Blue Choice PPO', 'Blue Precision HMO'], 'XOF', 30],
  ['UnitedHealthcare', '87726', ['Choice Plus', 'Navigate HMO', 'Options PPO'], 'UHC', 22],
  ['Aetna', '60054', ['Open Access Managed Choice', 'Aetna HMO', 'Aetna PPO'], 'W', 15],
  ['Cigna', '62308', ['Open Access Plus', 'Cigna LocalPlus', 'Cigna PPO'], 'U', 12],
  ['Humana', '61101', ['Humana Gold Plus HMO', 'Humana ChoiceCare PPO'], 'H', 6],
];
export const MEDICAID_PLANS = ['Illinois Medicaid (HFS)', 'Meridian', 'Blue Cross Community Health Plans', 'CountyCare'];
export const MEDICARE_SUPPLEMENTS: readonly (readonly [string, string])[] = [
  ['AARP Medicare Supplement (UnitedHealthcare)', '36273'],
  ['Blue Cross Blue Shield of Illinois Medicare Supplement', '00621'],
  ['Humana Medicare Supplement', '61101'],
];

export const RELATIONSHIPS_ADULT = ['Spouse', 'Sister', 'Brother', 'Daughter', 'Son', 'Friend', 'Mother', 'Father', 'Partner', 'Neighbor'];
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];
