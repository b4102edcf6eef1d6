package extract

// sectorWords maps a word or phrase a report uses for an industry to the
// sector name written out: the STIX industry-sector vocabulary where it has a
// word, else the text's own word.
var sectorWords = map[string]string{
	"aerospace": "aerospace", "aviation": "aerospace", "space": "aerospace", "aircraft": "aerospace",
	"airline": "aerospace", "airlines": "aerospace", "satellite": "aerospace", "satellites": "aerospace",
	"automotive": "automotive", "car makers": "automotive", "carmakers": "automotive",
	"chemical": "chemical", "chemicals": "chemical", "petrochemical": "energy", "petrochemicals": "energy",
	"communications": "communications", "telecommunications": "telecommunications", "telecom": "telecommunications",
	"telecoms": "telecommunications", "telco": "telecommunications", "telcos": "telecommunications",
	"internet service providers": "telecommunications", "internet service provider": "telecommunications",
	"telecommunication": "telecommunications", "isps": "telecommunications", "mobile operators": "telecommunications",
	"construction": "construction", "defense": "defense", "defence": "defense", "military": "defense",
	"defense industrial base": "defense", "defense contractors": "defense", "defence contractors": "defense",
	"education": "education", "universities": "education", "university": "education", "academia": "education",
	"academic": "education", "business services": "commercial", "hardware": "technology", "software development": "technology", "social media": "media",
	"video game companies": "entertainment", "game": "entertainment", "security organizations": "security", "security companies": "security", "academics": "education", "scholars": "education", "diplomats": "government", "schools": "education", "research": "research", "think tanks": "think tanks",
	"think tank": "think tanks", "energy": "energy", "oil and gas": "energy", "oil": "energy", "gas": "energy",
	"power grid": "energy", "electric": "utilities", "electricity": "utilities", "power": "energy",
	"nuclear": "energy", "entertainment": "entertainment", "gaming": "entertainment", "video game": "entertainment",
	"financial": "financial-services", "finance": "financial-services", "banking": "financial-services",
	"banks": "financial-services", "bank": "financial-services", "fintech": "financial-services",
	"cryptocurrency": "cryptocurrency", "crypto": "cryptocurrency", "blockchain": "cryptocurrency",
	"government": "government", "governments": "government", "government agencies": "government", "governmental": "government",
	"ministries": "government", "public sector": "government", "diplomatic": "government", "embassies": "government",
	"local government": "government-local", "municipalities": "government-local", "state government": "government-regional",
	"healthcare": "healthcare", "health care": "healthcare", "health": "healthcare", "hospitals": "healthcare",
	"medical": "healthcare", "hospital": "healthcare", "hospitality": "hospitality-leisure", "hotels": "hospitality-leisure", "tourism": "hospitality-leisure",
	"critical infrastructure": "infrastructure", "infrastructure": "infrastructure", "water": "water", "wastewater": "water", "water utilities": "water", "water treatment": "water",
	"dams": "dams", "insurance": "insurance", "manufacturing": "manufacturing", "industrial": "manufacturing",
	"mining": "mining", "non-profit": "non-profit", "nonprofit": "non-profit", "ngos": "non-profit", "ngo": "non-profit",
	"civil society": "non-profit", "human rights": "non-profit", "pharmaceutical": "pharmaceuticals",
	"pharmaceuticals": "pharmaceuticals", "biopharmaceutical": "pharmaceuticals", "biotechnology": "biotechnology",
	"biotech": "biotechnology", "retail": "retail", "e-commerce": "retail", "technology": "technology",
	"tech": "technology", "it": "technology", "software": "technology", "semiconductor": "technology",
	"semiconductors": "technology", "managed service providers": "technology", "msps": "technology",
	"cloud": "technology", "transportation": "transportation", "transport": "transportation",
	"logistics": "transportation", "shipping": "transportation", "rail": "transportation", "railway": "transportation",
	"airports": "transportation", "airport": "transportation", "ports": "transportation",
	"hydroelectric": "energy", "hydropower": "energy", "defense-related": "defense", "defence-related": "defense", "steel plant": "manufacturing", "steel plants": "manufacturing", "steelworks": "manufacturing",
	"fuel distribution": "energy", "fuel supply": "energy", "government websites": "government", "government portals": "government", "air traffic control": "transportation", "air navigation": "transportation", "railways": "transportation",
	"utilities": "utilities", "utility": "utilities", "maritime": "maritime", "naval": "maritime", "shipbuilding": "maritime",
	"media": "media", "news": "media", "journalists": "media", "legal": "legal", "law firms": "legal",
	"engineering": "engineering", "agriculture": "agriculture", "agricultural": "agriculture", "food": "agriculture",
	"hospitals and healthcare": "healthcare", "election": "elections", "elections": "elections", "political": "political",
	"political parties": "political", "parliament": "government", "parliaments": "government",
	"lawmakers": "government", "state bodies": "government", "state institutions": "government", "state agencies": "government",
	"public administration": "government", "foreign ministries": "government", "ministries of foreign affairs": "government",
	"non-governmental organisations": "non-profit", "non-governmental organizations": "non-profit", "civil servants": "government",
	"aeronautics": "aerospace", "astronautics": "aerospace", "aeronautical": "aerospace",
	"heating": "utilities", "water supply": "water", "electrical substations": "energy", "electric substations": "energy", "power substations": "energy",
	"power plants": "energy", "power stations": "energy", "electric grid": "energy", "electricity grid": "energy",
	"financial services": "financial-services", "politicians": "political", "presidential campaigns": "political",
	"presidential campaign": "political", "political campaigns": "political", "research institutes": "research",
	"research institutions": "research", "insurer": "insurance", "insurers": "insurance",
	"private sector": "private sector", "private-sector": "private sector",
	"senators": "government", "members of parliament": "government", "congressional": "government",
	"parliamentarians": "government", "electoral": "elections",
	"fashion": "retail", "apparel": "retail", "5g": "telecommunications", "retailers": "retail", "retailer": "retail",
	"restaurants": "hospitality-leisure", "restaurant": "hospitality-leisure", "hotel": "hospitality-leisure",
	"casinos": "hospitality-leisure", "casino": "hospitality-leisure", "resorts": "hospitality-leisure",
	"law enforcement": "law enforcement", "law-enforcement": "law enforcement", "port authorities": "transportation", "legislature": "government", "legislators": "government", "dissidents": "dissidents", "activists": "activists", "semiconductor industry": "technology",
}

// sectorHeads are nouns after a sector word that make it a sector ("defense
// contractors", "government agencies", "energy sector").
var sectorHeads = map[string]bool{
	"sector": true, "sectors": true, "authorities": true, "units": true, "industry": true, "industries": true, "companies": true, "company": true,
	"firms": true, "firm": true, "organizations": true, "organisations": true, "organization": true,
	"organisation": true, "entities": true, "entity": true, "agencies": true, "agency": true, "institutions": true,
	"institution": true, "targets": true, "victims": true, "networks": true, "providers": true, "provider": true,
	"operators": true, "contractors": true, "technology": true, "technologies": true, "infrastructure": true,
	"departments": true, "ministries": true, "bodies": true, "officials": true, "facilities": true,
	"groups": true, "businesses": true, "enterprises": true, "corporations": true, "manufacturers": true,
	"services": true, "research": true, "verticals": true, "vertical": true, "systems": true, "offices": true,
	"workers": true, "employees": true, "personnel": true, "centers": true, "centres": true, "labs": true,
	"laboratories": true, "universities": true, "programs": true, "programmes": true, "supply": true,
	"plants": true, "plant": true, "start-up": true, "start-ups": true, "startup": true, "startups": true, "hubs": true, "hub": true, "operator": true, "network": true, "exchange": true, "exchanges": true,
	"platforms": true, "platform": true, "association": true, "associations": true, "missions": true, "mission": true, "posts": true,
}

// estimative maps estimative wording to a confidence, STIX 2.1 appendix A and
// ICD 203 scales with the middle value of each band. Longer phrases first.
var estimative = []struct {
	Phrase     string
	Confidence int
}{
	{"almost no chance", 3}, {"remote chance", 3}, {"remote possibility", 3},
	{"almost certainly not", 5},
	{"very unlikely", 10}, {"highly unlikely", 10}, {"highly improbable", 10}, {"very improbable", 10},
	{"probably not", 30}, {"unlikely", 30}, {"improbable", 30},
	{"roughly even chance", 50}, {"even chance", 50}, {"roughly even odds", 50}, {"realistic possibility", 50},
	{"highest level of probability", 95}, {"almost certainly", 95}, {"almost certain", 95},
	{"nearly certain", 95}, {"near certain", 95}, {"near certainty", 95}, {"with certainty", 95},
	{"very likely", 85}, {"highly likely", 85}, {"highly probable", 85}, {"very probable", 85},
	{"most likely", 85},
	{"high probability", 85}, {"high likelihood", 85}, {"low probability", 30}, {"low likelihood", 30},
	{"likely", 65}, {"probable", 65}, {"probably", 65}, {"probability", 65},
	{"high degree of confidence", 85}, {"high degree of certainty", 85}, {"high level of confidence", 85}, {"high confidence", 85}, {"high-confidence", 85},
	{"highly confident", 85},
	{"moderate degree of confidence", 50}, {"moderate level of confidence", 50}, {"medium level of confidence", 50},
	{"moderate confidence", 50}, {"medium confidence", 50}, {"moderate-confidence", 50},
	{"low degree of confidence", 15}, {"low level of confidence", 15}, {"low confidence", 15}, {"low-confidence", 15},
}

// hedgeWords mark a claim that is reported rather than asserted; they leave
// confidence unset and are kept with the claim.
var hedgeWords = []string{
	"allegedly", "alleged", "alleges", "allege", "reportedly", "believed to", "is believed", "are believed",
	"suspected", "apparently", "purportedly", "purported", "accused", "accusing", "accuses", "may be", "may have",
	"might be", "might have", "could be", "could have", "possibly", "presumably", "thought to", "said to be",
	"claimed", "suggests", "suggesting", "appears to", "appear to", "appeared to", "seemingly", "supposedly",
}

// negationCues withhold or deny an attribution.
var negationCues = []string{
	"no determination", "not made a determination", "has not determined", "have not determined",
	"not attributed", "did not attribute", "does not attribute", "declined to attribute", "refused to attribute",
	"would not attribute", "won't attribute", "not attribute", "declined to name", "did not name", "would not name",
	"declined to identify", "did not identify", "cannot confirm", "could not confirm", "can't confirm",
	"did not confirm", "neither confirm nor deny", "not confirm or deny", "no conclusions", "no conclusion",
	"non-state actor", "non-state actors", "no evidence", "not enough evidence", "insufficient evidence",
	"too early to attribute", "too early to say", "stopped short of", "without attributing", "without naming",
	"denied", "denies", "deny", "rejected", "rejects", "dismissed", "not linked", "no link", "no links",
	"not connected", "unclear who", "unknown who", "not known who", "no attribution", "not behind",
	"isn't behind", "wasn't behind", "was not behind", "is not behind", "are not behind", "were not behind",
	"not responsible", "not tied", "baseless", "groundless", "unfounded", "smear",
}

// reportingVerbs introduce a claim; their subject is the claimant.
var reportingVerbs = []string{
	"said", "says", "say", "stated", "states", "announced", "announces", "assessed", "assesses", "assess",
	"alleged", "alleges", "allege", "accused", "accuses", "accuse", "attributed", "attributes", "attribute",
	"concluded", "concludes", "conclude", "indicted", "indicts", "charged", "charges", "confirmed", "confirms",
	"believes", "believe", "believed", "reported", "reports", "report", "determined", "determines",
	"declared", "declares", "blamed", "blames", "blame", "named", "names", "identified", "identifies",
	"linked", "links", "tied", "ties", "wrote", "writes", "told", "tells", "noted", "notes", "added", "adds",
	"warned", "warns", "judged", "judges", "judge", "found", "finds", "observed", "observes", "tracks", "tracked",
	"assessing", "unsealed", "unseals", "revealed", "reveals", "disclosed", "discloses", "published", "publishes",
	"released", "releases", "sanctioned", "sanctions", "condemned", "condemns", "exposed", "exposes",
	"claimed", "claims", "asserted", "asserts", "maintains", "maintained", "explained", "explains",
	"suspects", "suspected", "considers", "considered", "described", "describes", "refers", "referred",
	"calls", "called", "dubbed", "dubs", "put it", "concurred", "concurs", "concur", "agreed", "agrees", "agree", "joined", "joins",
	"singled out", "pointed to", "points to", "pinned", "pins", "publicly attributed",
	"releasing", "issuing", "publishing", "issued", "established", "has established", "have established",
	"disseminating",
}

// attributionCues link a group to its sponsor within one sentence.
var attributionCues = []string{
	"behind", "instrument of", "instruments of", "tool of", "tools of", "working for", "works for", "work for",
	"working on behalf of", "on behalf of", "at the behest of", "acting for", "acting on behalf", "sponsored by",
	"state-sponsored", "state sponsored", "backed by", "-backed", "-sponsored", "-linked", "-affiliated",
	"-nexus", "nexus", "linked to", "linked with", "tied to", "ties to", "connected to", "connected with",
	"linked",              // "linked a campaign known as Ghostwriter to the Russian state"
	"link to", "links to", // "a group they link to Iran's Ministry of Intelligence"
	"associated with", "affiliated with", "affiliated to", "attributed to", "attributes to", "attributed",
	"attributable to", "attributable", "operations for", "spying for", "hacking for", "espionage for", "operate from", "operates from", "operating from", "operating out of",
	"operates out of", "based in",
	"attribution", "agents of", "agent of", "officers of", "officer of", "operatives of", "members of",
	"part of", "unit of", "run by", "led by", "directed by", "controlled by", "tasked by", "tasking",
	"employed by", "under the direction", "under the control", "operating under", "operates under",
	"operated by", "operating for", "operates for", "proxy for", "proxies for", "contractor for",
	"contractors for", "contractor to", "contractors to", "cover for", "front for", "with ties to", "with links to", "directed", "orchestrated by",
	"carried out by", "conducted by", "the work of", "responsible", "responsibility", "serving", "serve", "serves",
	"service of", "in the service of", "at the direction of", "supported by", "support of", "in support of", "in the interests of", "in the interest of", "supports",
	"belongs to", "belonging to", "is part of", "are part of", "as part of", "subordinate to",
	"military unit", "intelligence service", "intelligence agency", "government", "state actor", "state actors",
	"nation-state", "nation state", "state hackers", "state-backed", "government-backed", "government hackers",
	"government-sponsored", "working with", "worked with", "worked for", "cooperating with", "in league with",
	"traced", "traced to", "traced back to", "in association with", "acted for", "acting at",
	"connections to", "connection to", "ties with", "links with", "connected with", "attribute", "unit within",
	"within", "designed and used by", "used by", "developed by", "blamed", "blames", "blaming", "attributing", "attributes",
	"directs", "direct", "under orders", "orders from", "on orders", "at the orders of", "on the orders of",
	"at the behest", "associated", "responsible for", "are responsible", "is responsible", "were responsible",
	"was responsible", "element of", "subordinate element", "arm of", "branch of", "wing of", "division of",
	"affiliate of", "proxy of", "cutout for", "cut-out for",
}

// targetCues mark a sentence that says whom or what a group hit.
var targetCues = []string{
	"target", "targets", "targeted", "targeting", "targetted", "attack", "attacks", "attacked", "attacking",
	"cyberattack", "cyberattacks", "cyber attack", "cyber attacks", "cyber-attack", "cyber-attacks",
	"against", "hack", "hacked", "hacking", "breach", "breached", "breaching", "compromise", "compromised",
	"compromising", "intrusion", "intrusions", "infiltrate", "infiltrated", "infiltrating", "spy on", "spied on",
	"spying on", "steal", "stole", "stolen", "stealing", "theft", "drained", "siphoned", "looted", "heist", "victim", "victims", "victimized", "hit",
	"struck", "penetrate", "penetrated", "exploit", "exploited", "exploiting", "focus on", "focused on", "focuses on",
	"to reach", "went after", "going after", "goes after", "delivered", "delivering",
	"interested in", "espionage", "campaign", "campaigns", "infected", "infect", "infecting", "infections", "disrupt",
	"disrupted", "sabotage", "wiped", "networks of", "systems of", "affected", "impacted", "accessed", "access to", "exfiltrated", "exfiltrate",
	"surveil", "surveillance", "phishing", "spearphishing", "spear-phishing", "ransomware", "wiper",
	"operations against", "activity against", "aimed at", "going after", "went after", "snooping",
	"aimed mainly at", "aimed mostly at", "aimed largely at", "aimed primarily at", "aimed chiefly at",
	"aimed specifically at", "aimed squarely at", "aimed almost exclusively at", "aimed exclusively at",
	"broke into", "break into", "breaking into", "broken into", "gained access", "gain access", "gaining access",
	"intruded", "penetrating", "spied", "eavesdropping", "hijacked", "took over", "hidden inside", "hiding in",
	"hid in", "burrowed into", "lurking in", "pre-positioned", "prepositioned", "pre-positioning",
	"shut down", "shutting down", "black out", "blackout", "blackouts", "cut power", "knocked out", "knock out",
	"took down", "taken down", "take down", "knocked offline", "knock offline", "denial-of-service", "ddos",
	"on computers at", "on the computers of", "on systems at", "on the systems of", "on the networks of", "in the networks of",
}

// victimHeads are nouns after a country word that make it a victim country
// ("Japanese companies", "Ukrainian government networks").
var victimHeads = map[string]bool{
	"companies": true, "company": true, "corporations": true, "firms": true, "firm": true, "organizations": true,
	"organisations": true, "organization": true, "entities": true, "businesses": true, "networks": true,
	"institutions": true, "agencies": true, "targets": true, "victims": true, "users": true, "citizens": true,
	"officials": true, "ministries": true, "ministry": true, "infrastructure": true, "systems": true,
	"universities": true, "banks": true, "hospitals": true, "journalists": true, "dissidents": true,
	"activists": true, "diplomats": true, "embassies": true, "military": true, "defense": true, "defence": true,
	"energy": true, "power": true, "telecommunications": true, "telecom": true, "media": true, "critical": true,
	"researchers": true, "academics": true, "individuals": true, "people": true, "employees": true,
	"industries": true, "industry": true, "sector": true, "sectors": true, "websites": true, "servers": true,
	"computers": true, "victim": true, "parliament": true, "election": true, "elections": true,
	"government": true, "governments": true, "departments": true, "authorities": true, "interests": true,
	"manufacturers": true, "contractors": true, "airports": true, "ports": true, "utilities": true,
	"grid": true, "think": true, "space": true, "aerospace": true, "municipalities": true, "cities": true,
	"councils": true, "schools": true, "retailers": true, "insurers": true, "airlines": true, "telcos": true,
}

// selfHeadedSectors are sector words that are plural nouns for bodies of
// the sector themselves: "attacked hospitals" needs no "hospital sector".
var selfHeadedSectors = map[string]bool{"hospitals": true, "municipalities": true, "universities": true,
	"banks": true, "schools": true, "retailers": true, "insurers": true, "restaurants": true, "hotels": true,
	"casinos": true, "airports": true, "ministries": true, "embassies": true, "telcos": true, "isps": true,
	"airlines": true, "law firms": true, "think tanks": true, "msps": true, "utilities": true, "politicians": true}

// groupHeads are nouns that follow or precede a group's name ("the Tick
// group", "the hacking group APT40").
var groupHeads = []string{
	"group", "groups", "actor", "actors", "threat actor", "threat group", "hackers", "hacker", "hacking group",
	"hacking team", "apt", "apt group", "gang", "crew", "collective", "team", "operators", "operator",
	"cluster", "intrusion set", "campaign", "adversary", "adversaries", "unit", "outfit", "espionage group",
	"cyber espionage group", "cyberespionage group", "threat cluster", "activity cluster", "ransomware group",
	"persona", "hacktivist group", "it workers", "it worker", "operatives",
}

// personTitles precede a person's name.
var personTitles = []string{
	"President", "Vice President", "Prime Minister", "Minister", "Foreign Minister", "Defense Minister",
	"Defence Minister", "Secretary", "Secretary of State", "Foreign Secretary", "Home Secretary",
	"Chief Cabinet Secretary", "Cabinet Secretary", "Attorney General", "Deputy Attorney General",
	"Assistant Attorney General", "Acting Assistant Attorney General", "Attorney", "U.S. Attorney", "US Attorney",
	"Acting U.S. Attorney", "United States Attorney", "Director", "Deputy Director", "Assistant Director",
	"Executive Assistant Director", "Special Agent", "Special Agent in Charge", "Agent", "Spokesperson",
	"Spokesman", "Spokeswoman", "spokesperson", "spokesman", "spokeswoman", "Ambassador", "Senator", "Sen.",
	"Representative", "Rep.", "Governor", "Mayor", "Chancellor", "General", "Gen.", "Lt. Gen.", "Admiral",
	"Adm.", "Colonel", "Col.", "Major", "Captain", "Commissioner", "Chairman", "Chairwoman", "Chair",
	"Judge", "Justice", "Prosecutor", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Professor", "analyst",
	"researcher", "CEO", "CTO", "CISO", "founder", "head", "chief", "Chief", "Commander", "Officer",
	"Lieutenant", "Sergeant", "Deputy", "Premier", "Chief Executive", "Vice Chairman", "Speaker", "Lawmaker",
	"Congressman", "Congresswoman", "MP", "Councillor", "Inspector",
}

// orgHeads end the name of an organisation ("Narita Airport", "Japan
// Aerospace Exploration Agency").
var orgHeads = map[string]bool{
	"Energi": true, "Energie": true, "Energia": true, "Holding": true, "ASA": true, "GmbH": true, "Airport": true, "Airports": true, "Agency": true, "University": true, "Bank": true, "Ministry": true,
	"Department": true, "Institute": true, "Corporation": true, "Corp": true, "Corp.": true, "Company": true,
	"Co.": true, "Inc.": true, "Inc": true, "Ltd": true, "Ltd.": true, "LLC": true, "PLC": true, "plc": true,
	"Commission": true, "Council": true, "Office": true, "Authority": true, "Administration": true,
	"Laboratory": true, "Laboratories": true, "Labs": true, "Hospital": true, "Foundation": true,
	"Association": true, "Parliament": true, "Bundestag": true, "Committee": true, "Party": true,
	"Group": true, "Holdings": true, "Industries": true, "Systems": true, "Technologies": true,
	"Airlines": true, "Airways": true, "Telecom": true, "Telecommunications": true, "Networks": true,
	"College": true, "School": true, "Center": true, "Centre": true, "Service": true, "Services": true,
	"Bureau": true, "Directorate": true, "Command": true, "Force": true, "Forces": true, "Navy": true,
	"Army": true, "Police": true, "Court": true, "Senate": true, "Congress": true, "Assembly": true,
	"Organization": true, "Organisation": true, "Embassy": true, "Consulate": true, "Times": true,
	"Post": true, "News": true, "Press": true, "Energy": true, "Power": true, "Electric": true,
	"Pharmaceuticals": true, "Pharma": true, "Motors": true, "Aerospace": true, "Defense": true,
	"Exchange": true, "Port": true, "Railways": true, "Railway": true, "Institution": true, "Federation": true,
	"Union": true, "Nations": true, "Enterprise": true, "Enterprises": true, "Cabinet": true, "Secretariat": true, "Media": true, "Software": true, "Solutions": true,
	"Microsystems": true, "Electronics": true, "Semiconductor": true, "Capital": true, "Partners": true,
}

// clientApps are client applications whose flaws a lure document or page
// exploits; a CVE in one is exploitation for client execution (T1203).
var clientApps = []string{"Internet Explorer", "web browser", "browser", "Microsoft Office", "Microsoft Word",
	"Equation Editor", "Adobe Reader", "Acrobat Reader", "Acrobat", "WinRAR", "Hangul", "HWP", "Chrome", "Firefox",
	"Safari", "Outlook", "Excel", "PowerPoint", "MSHTML", "Follina"}
