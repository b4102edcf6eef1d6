package extract

import (
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
)

// namesOf extracts text and returns the names of its objects of the given
// type (and identity class, for identities), sorted.
func namesOf(t *testing.T, text, typ, class string) []string {
	t.Helper()
	res, err := Default().Extract(&aptgraph.Document{Text: text}, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	// Class "targeted" keeps the objects some relationship targets.
	targeted := map[string]bool{}
	for _, o := range res.Bundle.Objects {
		if o.Type == "relationship" && o.RelationshipType == "targets" {
			targeted[o.TargetRef] = true
		}
	}
	var out []string
	for _, o := range res.Bundle.Objects {
		if class == "targeted" && !targeted[o.ID] {
			continue
		}
		if o.Type == typ && (class == "" || class == "targeted" || o.IdentityClass == class) && !slices.Contains(out, o.Name) {
			out = append(out, o.Name)
		}
	}
	sort.Strings(out)
	return out
}

// TestFrames checks the smaller frames of victims, sectors and software on
// sentences written for the test.
func TestFrames(t *testing.T) {
	tests := []struct {
		name, text, typ, class string
		want                   []string
	}{
		{"a company tells of its own breach",
			"Hewlett Packard Enterprise disclosed that the same group had accessed its cloud-based e-mail environment.", "identity", "organization",
			[]string{"Hewlett Packard Enterprise"}},
		{"sabotage of substations",
			"The Sandworm group tried to shut down electrical substations in Ukraine.", "identity", "class",
			[]string{"energy"}},
		{"malware found at organisations of a country's sector",
			"We found the Kazuar backdoor on computers at three organisations in Ukraine's defence sector.", "location", "",
			[]string{"Ukraine"}},
		{"a body of nations is no person",
			"Crypto theft\n\nBybit's chief executive, Ben Zhou, said the exchange remained solvent.\n\nNorth Korea has stolen billions of dollars in cryptocurrency since 2017, according to United Nations experts, and uses the money to fund its weapons programmes.", "identity", "individual",
			[]string{"Ben Zhou"}},
		{"outlets documents were sent to are no victims",
			"Report\n\nThe hackers stole campaign documents, which were later sent to Politico, The New York Times and The Washington Post.", "identity", "organization",
			nil},
		{"the victims a sentence lists",
			"Report\n\nAndariel hacked hospitals. The victims included NASA and two U.S. Air Force bases.", "identity", "organization",
			[]string{"NASA", "U.S. Air Force"}},
		{"an operation is no person",
			"Report\n\nThe approach is typical of Operation Dream Job, a campaign that researchers attribute to the Lazarus Group.", "identity", "individual",
			nil},
		{"a distinctive name after a singular word for malware",
			"Report\n\nRunning the file dropped a backdoor together with its loader NightDuck.", "malware", "",
			[]string{"NightDuck"}},
		{"a name of two words given outright",
			"Report\n\nVoid Manticore deploys a newer wiper we call Partition Wiper against Windows machines.", "malware", "",
			[]string{"Partition Wiper"}},
		{"politicians in a list of sectors",
			"Report\n\nMirrorFace attacked government agencies, think tanks, politicians and journalists.", "identity", "class",
			[]string{"government", "media", "political", "think tanks"}},
		{"countries listed after 'among them'",
			"Report\n\nRedHotel has targeted government organizations in 17 countries, among them Malaysia, Nepal and Vietnam.", "location", "",
			[]string{"Malaysia", "Nepal", "Vietnam"}},
		{"the agents of a passive are no victims",
			"Report\n\nHe was identified by the Australian Signals Directorate and the Australian Federal Police as the man behind the hack of health insurer Medibank Private.", "identity", "organization",
			[]string{"Medibank Private"}},
		{"two capitalised words before 'a malware family' name software, not a person",
			"Report\n\nThe agencies published a report on Infamous Chisel, a new mobile malware family. Infamous Chisel steals files from Android devices.", "identity", "individual",
			nil},
		{"a plural word for bodies of a sector needs no head, and makes its country a victim",
			"Report\n\nAPT28 took down the websites of several Dutch municipalities and attacked hospitals.", "identity", "class",
			[]string{"government-local", "healthcare"}},
		{"a name's own group wins over another that lists it as an alias",
			"Report\n\nOilRig has been attributed by the US government to Iran's Ministry of Intelligence and Security.", "intrusion-set", "",
			[]string{"OilRig"}},
		{"a group the vendor names with 'we call' after a cluster of activity",
			"Report\n\nSince 2023 we have tracked a cluster of activity we call Crimson Cobra, which targets lawyers in Sri Lanka.", "intrusion-set", "",
			[]string{"Crimson Cobra"}},
		{"spyware is a word for malware that a name follows",
			"Report\n\nThe links install an Android spyware we named CobraSpy.", "malware", "",
			[]string{"CobraSpy"}},
		{"a name the data does not know before 'ransomware gang'",
			"Report\n\nThe Rhysida ransomware gang claimed responsibility on its leak site.", "intrusion-set", "",
			[]string{"Rhysida"}},
		{"two words of a group's name with a digit, run together",
			"Report\n\nCyber actors using the persona \"CyberAv3ngers\" are actively targeting PLCs.", "intrusion-set", "",
			[]string{"Cyber Av3ngers"}},
		{"MFA prompts sent for approval",
			"Report\n\nAPT29 sends Teams messages that try to steal credentials by eliciting approval of multifactor authentication prompts.", "attack-pattern", "",
			[]string{"Multi-Factor Authentication Request Generation"}},
		{"a sector of two words in a list before 'sectors'",
			"Report\n\nAPT10 hit the consumer electronics, health care and aerospace sectors.", "identity", "class",
			[]string{"aerospace", "electronics", "healthcare"}},
		{"family names before a word for malware",
			"APT33 used the Shamoon and StoneDrill wipers against its victims.", "malware", "",
			[]string{"Shamoon", "StoneDrill"}},
		{"a platform before a word for malware is no name",
			"APT33 used the Windows backdoor and a Python loader.", "malware", "",
			nil},
		{"a distinctive name before a modified tool word",
			"APT33 controlled the hosts with the UltraVNC remote administration tool.", "tool", "",
			[]string{"UltraVNC"}},
		{"an unknown word in a list of sectors",
			"APT33 targeted companies in the diamond, education and technology sectors.", "identity", "class",
			[]string{"diamond", "education", "technology"}},
		{"a verb is not a sector",
			"APT33 operators research their targets before they strike.", "identity", "class",
			nil},
		{"a country's government agencies hit, not a sponsor",
			"APT33 also targeted Dutch government agencies.", "location", "",
			[]string{"Netherlands"}},
		{"the breach of an organisation names a victim",
			"APT33 was behind the breach of the Dutch police in 2024.", "identity", "organization",
			[]string{"Dutch police"}},
		{"a name after a channel is a company",
			"APT28 was behind the sabotage of the television channel TV5Monde.", "identity", "organization",
			[]string{"TV5Monde"}},
		{"retailers and restaurants are sectors",
			"APT33 targeted restaurant chains, retailers and hospitality companies.", "identity", "class",
			[]string{"hospitality-leisure", "retail"}},
		{"a name given as another of the group before it is that group's",
			"FIN7, the crime group also known as Carbanak, targeted retailers.", "intrusion-set", "",
			[]string{"FIN7"}},
		{"a person after a title and its office",
			"APT41 hit banks, said Deputy Secretary of the Treasury Wally Adeyemo.", "identity", "individual",
			[]string{"Wally Adeyemo"}},
		{"a known body whose network was hit",
			"Silk Typhoon had a role in the compromise of the Department of the Treasury's network.", "identity", "organization",
			[]string{"U.S. Department of the Treasury"}},
		{"agencies in countries that speak are not hit",
			"Flax Typhoon hit routers. The FBI and cyber agencies in Britain and Canada said the botnet infected devices.", "location", "",
			nil},
		{"a name in apposition before a malware word, past a language",
			"The LNK fetches PteroStew, a VBScript downloader, for Gamaredon.", "malware", "",
			[]string{"PteroStew"}},
		{"adverbs inside 'aimed at'",
			"Gamaredon's wave was aimed almost exclusively at Ukrainian governmental institutions.", "location", "",
			[]string{"Ukraine"}},
		{"social media accounts are no media sector",
			"Ghostwriter hacked the social media accounts of politicians in Poland.", "identity", "class",
			[]string{"political"}},
		{"a plural company word before a list of names",
			"Scattered Spider disrupted retailers Marks & Spencer, Co-op and Harrods.", "identity", "organization",
			[]string{"Co-op", "Harrods", "Marks & Spencer"}},
		{"a government attacked is its country hit",
			"Void Manticore was behind the attacks on the Albanian government.", "location", "",
			[]string{"Albania"}},
		{"the words that class a person before a name",
			"APT28 hit Ukraine; prosecutors named lieutenant Ivan Petrov and civilian Amin Stigal.", "identity", "individual",
			[]string{"Amin Stigal"}},
		{"a title set off before a name",
			"Report\n\nThe Foreign Secretary, David Lammy, said: \"We see what they are doing.\"", "identity", "individual",
			[]string{"David Lammy"}},
		{"a title set off after a name",
			"Report\n\nPaul Chichester, NCSC Director of Operations, said the GRU was to blame.", "identity", "individual",
			[]string{"Paul Chichester"}},
		{"a person's kin",
			"Report\n\nThree officers targeted the family of Yulia Skripal with malware.", "identity", "individual",
			[]string{"Yulia Skripal"}},
		{"a title cut short by its full stop",
			"Report\n\nRep. Kim Seung-won of the ruling Democratic Party said the government should act.", "identity", "individual",
			[]string{"Kim Seung-won"}},
		{"a company's word in a name makes no person",
			"Report\n\nNobody was hurt and the release caused no damage, the owner, Breive Energi, said at the time.", "identity", "individual",
			nil},
		{"the one robbed after a theft word",
			"Report\n\nLazarus drained $30 million in tokens from one of Upbit's hot wallets.", "identity", "organization",
			[]string{"Upbit"}},
		{"the owner of the networks reached",
			"Report\n\nIn 2015 APT28 stole data from the networks of the Bundestag.", "identity", "organization",
			[]string{"Bundestag"}},
		{"a product's name before a store is no victim",
			"Report\n\nVolt Typhoon stole credentials from the Active Directory database.", "identity", "organization",
			nil},
		{"an acronym the text defines is its victim's name",
			"Report\n\nAPT28 hacked the air traffic control company Deutsche Flugsicherung (DFS). The hackers breached DFS in August.", "identity", "organization",
			[]string{"Deutsche Flugsicherung"}},
		{"an organ that acts is no victim",
			"Report\n\nAPT28 hit Norway. Russian intelligence services were likely to keep probing Norwegian infrastructure.", "identity", "organization",
			nil},
		{"an analyst is no victim",
			"Report\n\nAnalysts at blockchain firm Elliptic said the group behind the theft of $1.5 billion from Bybit used similar methods.", "identity", "organization",
			[]string{"Bybit"}},
		{"a communications network is no sector",
			"Report\n\nAPT28 broke into the office communications network of the company.", "identity", "class",
			nil},
		{"air traffic control",
			"Report\n\nAPT28 attacked an air traffic control company.", "identity", "class",
			[]string{"transportation"}},
		{"malware a body names",
			"Report\n\nThe NCSC said APT28 used the malware, which it calls AUTHENTIC ANTICS, to steal credentials.", "malware", "",
			[]string{"AUTHENTIC ANTICS"}},
		{"names joined by 'and' are two groups",
			"Report\n\nPolice attributed the hack to Lazarus and Andariel, both North Korean groups.", "intrusion-set", "",
			[]string{"Lazarus Group", "Silent Chollima"}},
		{"a nickname in quotes inside a name",
			"Report\n\nAccording to the indictment, Zhenxing \"Danny\" Wang, a U.S. national, conspired with others.", "identity", "individual",
			[]string{"Zhenxing Wang"}},
		{"a title word that starts a body's name in a headline",
			"Justice Department Announces Nationwide Actions to Combat Schemes\n\nThe Justice Department today announced actions.", "identity", "individual",
			nil},
		{"a country the law acts against is no victim",
			"Report\n\nThe Justice Department announced actions against the DPRK government's schemes to hack U.S. companies.", "location", "targeted",
			[]string{"United States"}},
		{"a country's IT workers are its actors",
			"Report\n\nThe scheme placed North Korean IT workers at U.S. companies, which they later breached.", "location", "targeted",
			[]string{"United States"}},
		{"remote access products are tools",
			"Report\n\nThe actors installed AnyDesk and Atera Agent on the breached hosts.", "tool", "",
			[]string{"AnyDesk", "Atera Agent"}},
		{"the actors' masters are no victims",
			"Report\n\nThe hackers attacked energy firms on the orders of the Democratic Progressive Party (DPP).", "identity", "organization",
			nil},
		{"a source after 'according to' is no victim",
			"Report\n\nThe stolen funds were burned, according to blockchain analytics firm Elliptic.", "identity", "organization",
			nil},
		{"an organisation word and one name",
			"Report\n\nPredatory Sparrow wiped data at the state-owned Bank Sepah.", "identity", "organization",
			[]string{"Bank Sepah"}},
		{"members of a family named in capitals",
			"Report\n\nUNC5221 deployed the SPAWN ecosystem of malware. It includes the SPAWNANT installer and the SPAWNMOLE tunneler.", "malware", "",
			[]string{"SPAWN", "SPAWNANT", "SPAWNMOLE"}},
		{"members of a family named in camel case",
			"Report\n\nGamaredon used its PteroOdd downloader. We also saw PteroPaste and PteroStew in the chain.", "malware", "",
			[]string{"PteroOdd", "PteroPaste", "PteroStew"}},
		{"a sentence that lists the victims of the one before",
			"Report\n\nThe actors continue to exploit U.S. organizations. This includes schools, banks and hospitals.", "identity", "class",
			[]string{"education", "financial-services", "healthcare"}},
		{"the networks of a government",
			"Report\n\nTurla deployed its TwoDash backdoor to networks of the Afghan government.", "location", "targeted",
			[]string{"Afghanistan"}},
		{"a group after a victim noun's comma is no victim",
			"Report\n\nUsing the Storm-0156 servers, Secret Blizzard deployed its backdoor against defense institutions in India.", "identity", "organization",
			nil},
		{"a name of two words after a possessive",
			"Report\n\nIn India, Turla also used its own Wasabi Arsenal implant.", "malware", "",
			[]string{"Wasabi Arsenal"}},
		{"a known name of two words written as one",
			"Report\n\nTurla also used the CrimsonRAT backdoor that it had taken over.", "malware", "",
			[]string{"Crimson RAT"}},
		{"industrial control systems are no sector",
			"Report\n\nAttackers breached industrial control systems at water treatment plants.", "identity", "class",
			[]string{"water"}},
		{"hydroelectric plants",
			"Report\n\nHacktivists attacked Polish hydroelectric plants.", "identity", "class",
			[]string{"energy"}},
		{"a byline names its author",
			"Headline\n\nBy Kevin Collier | July 15, 2025\n\nAPT28 hacked the Bundestag, officials said.", "identity", "individual",
			[]string{"Kevin Collier"}},
		{"a newsroom's byline names no person",
			"Headline\n\nBy Staff Reporter\n\nAPT28 hacked the Bundestag, officials said.", "identity", "individual",
			nil},
		{"victims listed after a plural word for them",
			"Report\n\nSalt Typhoon breached nine telecommunications companies last year, including Verizon and AT&T.", "identity", "organization",
			[]string{"AT&T", "Verizon"}},
		{"a list of another plural word lists no victims",
			"Report\n\nAPT45 targeted hospitals, and it used ransomware families such as SHATTEREDGLASS and Maui.", "identity", "organization",
			nil},
		{"a name hit that an apposition calls a company",
			"Report\n\nThe gang had hit Synnovis, a pathology company that analyses blood tests.", "identity", "organization",
			[]string{"Synnovis"}},
		{"a possessive inside a victim's name",
			"Report\n\nThe ransomware attack disrupted King's College Hospital.", "identity", "organization",
			[]string{"King's College Hospital"}},
		{"a ransom's decryption key is no decoding",
			"Report\n\nQilin demanded payment for a decryption key after its ransomware attack.", "attack-pattern", "",
			[]string{"Data Encrypted for Impact"}},
		{"agencies from a country speak for it; they are not hit",
			"The advisory, co-signed by agencies from Canada and New Zealand, says APT33 targeted Saudi Arabia.", "location", "",
			[]string{"Saudi Arabia"}},
		{"a code name before RAT in capitals",
			"Report\n\nAPT99 used the Ragnatela RAT against universities.", "malware", "",
			[]string{"Ragnatela"}},
		{"a headline's capitals name no family before RAT",
			"New Threat Actor Spoofs Philippine Government in Widespread RAT Campaigns\n\nOctober 27, 2021\n\nThe actor sent e-mails.", "malware", "",
			nil},
		{"a code name set off by commas after a malware word",
			"Report\n\nAPT99 sent targets a malicious loader, YouieLoad, through LinkedIn.", "malware", "",
			[]string{"YouieLoad"}},
		{"no code name from a word set off after a malware word",
			"Report\n\nAPT99 deployed a backdoor, AES, on the servers.", "malware", "",
			nil},
		{"a news agency's credit line names people",
			"Hackers hit a bank in Chile, officials said.\n\n(Reporting by Chen Wei; Editing by Ana Ruiz)", "identity", "individual",
			[]string{"Ana Ruiz", "Chen Wei"}},
		{"logged keystrokes are keylogging",
			"Report\n\nThe implant logs keystrokes and steals files.", "attack-pattern", "",
			[]string{"Keylogging"}},
		{"traffic tunnelled through ICMP",
			"Report\n\nThe malware tunnels its traffic through ICMP.", "attack-pattern", "",
			[]string{"Non-Application Layer Protocol"}},
		{"a dead drop on a public site",
			"Report\n\nThe backdoor reads commands from a dead drop on a public forum.", "attack-pattern", "",
			[]string{"Dead Drop Resolver"}},
		{"entry through exposed servers",
			"Report\n\nThe hackers broke in through exposed Microsoft Exchange servers.", "attack-pattern", "",
			[]string{"Exploit Public-Facing Application"}},
		{"the sentence after phishing tells what the e-mails carried",
			"Report\n\nAPT99 sent spear-phishing e-mails to scientists. The e-mails carried RTF documents.", "attack-pattern", "",
			[]string{"Phishing", "Spearphishing Attachment"}},
		{"code injected into web pages is no process injection",
			"Report\n\nThe adversary used JavaScript injected into the websites of the targeted companies.", "attack-pattern", "",
			[]string{"JavaScript"}},
		{"plain names after a verb that names malware",
			"Report\n\nThe hackers deployed malware that Microsoft tracks as Leeson, Neoichor and Nightimp.", "malware", "",
			[]string{"Leeson", "Neoichor", "Nightimp"}},
		{"the owner named before a network hit",
			"Report\n\nIn 2023 APT44 disrupted the Kyivstar mobile network.", "identity", "organization",
			[]string{"Kyivstar"}},
		{"a network named by a nationality has no owner of its own",
			"Report\n\nAPT44 attacked the Ukrainian power network.", "identity", "organization",
			nil},
		{"default passwords and VNC",
			"Report\n\nThe hackers logged in with default or weak passwords and virtual network computing (VNC) software.", "attack-pattern", "",
			[]string{"Default Accounts", "VNC"}},
		{"an age after a name of four words keeps them all",
			"Report\n\nAhmed Salah Yousif Omer, 22, and Alaa Salah Yusuuf Omer, 27, are charged with conspiracy.", "identity", "individual",
			[]string{"Ahmed Salah Yousif Omer", "Alaa Salah Yusuuf Omer"}},
		{"a product a flaw is in is no victim",
			"Report\n\nThe actor had exploited a zero-day vulnerability in the command-line interface of Cisco NX-OS Software to gain persistence.", "identity", "organization",
			nil},
		{"'other sectors' adds no sector",
			"Report\n\nMidnight Blizzard sent spear-phishing emails to individuals in government, academia, defense, non-governmental organizations and other sectors.", "identity", "class",
			[]string{"defense", "education", "government", "non-profit"}},
		{"password spraying, code repositories and new accounts",
			"Report\n\nThe group password-sprayed accounts, searched public repositories for leaked passwords and created users.", "attack-pattern", "",
			[]string{"Code Repositories", "Create Account", "Password Spraying"}},
		{"a software name inside a learned phrase is still found",
			"Report\n\nAPT28 uses Mimikatz to dump credentials.", "tool", "",
			[]string{"Mimikatz"}},
		{"a code name before a backdoor built on a language",
			"Report\n\nAPT99 deployed SEASIDE, a Lua-based backdoor.", "malware", "",
			[]string{"SEASIDE"}},
		{"e-mails sent with attachments, with no word for phishing",
			"Report\n\nUNC4841 sent e-mails with malicious TAR file attachments crafted to exploit the flaw.", "attack-pattern", "",
			[]string{"Spearphishing Attachment"}},
		{"a byline of two writers",
			"Headline here\n\nBy Raphael Satter and David Shepardson\n\nHackers hit Treasury, officials said.", "identity", "individual",
			[]string{"David Shepardson", "Raphael Satter"}},
		{"code names before a plural malware word of two words",
			"Report\n\nAPT41 deployed ANTSWORD and BLUEBEAM web shells for persistence.", "malware", "",
			[]string{"ANTSWORD", "BLUEBEAM"}},
		{"the sentence after a hit places its victims",
			"Report\n\nAPT41 ran a campaign against organisations in the shipping sector. Most of the organisations were in Italy, Spain and Taiwan.", "location", "",
			[]string{"Italy", "Spain", "Taiwan"}},
		{"a loader that decrypts and runs its payload",
			"Report\n\nThe loader decrypts and runs POWERTRASH in memory.", "attack-pattern", "",
			[]string{"Deobfuscate/Decode Files or Information"}},
		{"the maker of exploited software is no victim",
			"Report\n\nHackers exploited a vulnerability in software from U.S. company Ivanti to breach the ministries.", "identity", "organization",
			nil},
		{"a country's government ministries hit",
			"Report\n\nTwelve Norwegian government ministries were hit by a cyberattack, the government said.", "location", "",
			[]string{"Norway"}},
		{"honorifics without a full stop, and a surname met before",
			"Statement\n\nThe Minister for Defence, the Hon Richard Marles, said in a statement that LockBit hit Australia.\n\n\"They will be held to account,\" Mr Marles said.", "identity", "individual",
			[]string{"Richard Marles"}},
		{"a sentence's first word names no family",
			"Statement\n\nLockBit hit Medibank. \"Cyber criminals who enable ransomware attacks will be held to account,\" the minister said.", "malware", "",
			nil},
		{"a ransomware strain delivered",
			"Report\n\nThe group delivered a custom ransomware strain to a defence company.", "attack-pattern", "",
			[]string{"Data Encrypted for Impact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := namesOf(t, tt.text, tt.typ, tt.class)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s names (-want +got):\n%s", tt.typ, diff)
			}
		})
	}
}

// TestOrigins checks the countries texts give groups without a claim of
// sponsorship: group|country for each originates-from relationship.
func TestOrigins(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"a nationality in apposition",
			"Moonstone Sleet shared malware with Diamond Sleet, another North Korean group, Microsoft said.",
			[]string{"Lazarus Group|North Korea"}},
		{"a nationality the next sentence gives a name",
			"A North Korean hacking group has been building fake companies, Microsoft said. The group, which Microsoft tracks as Moonstone Sleet, uses a tank game.",
			[]string{"Moonstone Sleet|North Korea"}},
		{"a nationality of the victims is not the group's",
			"APT99, a group that targets Chinese firms, hacked the ministry.",
			nil},
		{"the reference data's country wins over a misreading",
			"APT28, a Chinese espionage group, hacked the ministry.",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Default().Extract(&aptgraph.Document{Text: tt.text}, Options{Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, o := range res.Bundle.Objects {
				names[o.ID] = o.Name
			}
			var got []string
			for _, o := range res.Bundle.Objects {
				if o.Type == "relationship" && o.RelationshipType == "originates-from" {
					got = append(got, names[o.SourceRef]+"|"+names[o.TargetRef])
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("origins (-want +got):\n%s", diff)
			}
		})
	}
}
