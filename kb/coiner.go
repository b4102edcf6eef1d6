package kb

import (
	"regexp"
	"strings"
)

// vendorByUUID names the vendor behind each uuid that MISP threat-actor
// name-attribution entries ("NAME:uuid") use. It was worked out from the
// names each uuid groups in misp-galaxy 9434ace (2026-08-06): e.g. every
// "* Typhoon/Blizzard/Sleet" and DEV-/Storm- name is under d0c33595, every
// "BRONZE */IRON *" and TG- name under a7119872, every G0nnn under a1ad5090.
// Uuids whose names do not point at one vendor are left out, so their names
// get no coiner from here.
var vendorByUUID = map[string]string{
	"d0c33595-b684-45ef-91c3-e2f5ce1a8191": "Microsoft",
	"f9eb432f-2293-48b7-bca4-cc78beb50df0": "CrowdStrike",
	"da5cdcd1-7b15-4371-b7eb-ca32916d2052": "Mandiant",
	"a7119872-bc6b-494b-9f7a-8c50faaf53a9": "Secureworks",
	"a1ad5090-2487-46d2-8237-6151a2dd5063": "MITRE",
	"cae79680-67a6-4411-903c-f824dbcc813f": "Proofpoint",
	"e9491d3b-2174-47d6-8a15-ecec552d16ae": "Palo Alto Networks",
	"0d4886f9-97e1-4cb2-8822-580fd09540e5": "Kaspersky",
	"3ac8f6fc-9c04-4ebd-bda2-788cc02fe4ed": "Trend Micro",
	"598308b3-5475-48c6-9a2c-676fe1d2c6fb": "Google", // "* CASTLE/RELIC/COMET/ION/NEPTUNE"
	"0adf6f0f-3795-4de1-9763-1bdd1c31a5d7": "Cisco Talos",
	"3a43aca5-6366-4168-b182-a8afec4550b5": "ESET",
	"ad7032df-0e9a-4ea9-b35c-c68ff854be80": "Recorded Future",
	"e583434b-7fb8-42c8-90ce-89aa8ed35f0c": "Symantec",
	"0904b30c-a86b-402b-9a14-87bbc44648aa": "Symantec",
	"adb3369a-5683-46b2-bceb-4dafa6526b21": "Check Point",
	"996c48de-7bb8-414d-b6fe-ec94abb5f461": "SentinelOne",
	"21afba9e-cd2a-45c9-b421-b1f14fd181e9": "Group-IB",
	"e4ed3168-7830-490f-9eed-d1b3ef2daccd": "Dragos",
	"b8ca0932-c4cb-45c0-b7b1-88b9685ba24b": "McAfee",
	"9f2ba728-8b29-48f9-badf-4f4cefb929f0": "PwC",
	"c2f76813-f24c-450e-abfd-0db4495ab68e": "Volexity",
	"f063b54b-293c-4713-87c1-92ff760ee4ba": "Malwarebytes",
	"1c141c9b-ec78-4f86-a8ea-b02944fa5492": "Bitdefender",
	"455b9e40-e8dd-443b-87b3-c70bd09b4231": "Sophos",
	"ac46bac7-e7b5-4efe-8f32-b79e9015ab86": "Intezer",
	"58d7efca-402a-4b36-9178-dc14e52f12e5": "Elastic",
	"94e95ed2-e07a-464a-9d56-a03679b9717a": "BlackBerry",
	"d597f230-4f70-43cb-817e-c745efd4fe35": "F-Secure",
	"4c94ea8e-6bbd-4638-b7ba-34354cfa2281": "Fox-IT",
	"adc57f66-9910-4500-a16b-311cd4f08409": "Rapid7",
	"1427d7df-a9b8-4809-afe0-1180cfdd930d": "Zscaler",
	// Not told apart: bfafdca5-3171-4953-86ab-c74f44822fd3 (Keksec,
	// DragonForce, EC2 Grouper), 3176f708-da5b-4c41-926b-0a94ebeb0e3b
	// (BazarCall, Handala).
}

// namingScheme is a vendor's scheme for naming groups.
type namingScheme struct {
	re     *regexp.Regexp
	vendor string
}

// strongSchemes are naming schemes that only one vendor uses; a name that
// fits one was coined by that vendor, whatever other vendors use it.
var strongSchemes = []namingScheme{
	{regexp.MustCompile(`^[A-Z][a-z]+ (Typhoon|Blizzard|Sleet|Sandstorm|Tempest|Tsunami|Rain|Hail|Flood|Dust|Cyclone|Squall|Lightning|Gust)$`), "Microsoft"},
	{regexp.MustCompile(`^[A-Z]+ (TYPHOON|BLIZZARD|SLEET|SANDSTORM|TEMPEST)$`), "Microsoft"},
	{regexp.MustCompile(`^(Storm|STORM|DEV|CovertNetwork)-\d{3,4}$`), "Microsoft"},
	{regexp.MustCompile(`^(BRONZE|IRON|COBALT|NICKEL|TUNGSTEN|GOLD|TIN|PLATINUM|COPPER|ZINC|ALUMINUM) [A-Z]+$`), "Secureworks"},
	{regexp.MustCompile(`^(TG|Threat Group)-\d+$`), "Secureworks"},
	{regexp.MustCompile(`^(APT|FIN|UNC) ?\d+$`), "Mandiant"},
	{regexp.MustCompile(`^TEMP\.[A-Za-z]+$`), "FireEye"},
	{regexp.MustCompile(`^TA\d{3,4}$`), "Proofpoint"},
	{regexp.MustCompile(`^G\d{4}$`), "MITRE"},
	{regexp.MustCompile(`^(Earth|EARTH|Water|WATER) [A-Z][A-Za-z]+$`), "Trend Micro"},
	{regexp.MustCompile(`^APT-C-\d+$`), "Qihoo 360"},
	{regexp.MustCompile(`^APT-Q-\d+$`), "QiAnXin"},
	{regexp.MustCompile(`^ITG\d+$`), "IBM X-Force"},
	{regexp.MustCompile(`^(?i:hive)\d{4}$`), "IBM X-Force"},
	{regexp.MustCompile(`^ATK ?\d+$`), "Thales"},
	{regexp.MustCompile(`^UAC-\d+$`), "CERT-UA"},
	{regexp.MustCompile(`^UAT-\d+$`), "Cisco Talos"},
	{regexp.MustCompile(`^TAG-\d+$`), "Recorded Future"},
	{regexp.MustCompile(`^REF\d{4}$`), "Elastic"},
	{regexp.MustCompile(`^T-APT-\d+$`), "Tencent"},
	{regexp.MustCompile(`^[A-Z]+ (CASTLE|RELIC|COMET|ION|NEPTUNE)$`), "Google"},
	{regexp.MustCompile(`^[A-Z][a-z]+ (Taurus|Ursa|Serpens|Pisces|Libra|Scorpius|Gemini)$`), "Palo Alto Networks"},
	{regexp.MustCompile(`^[A-Z]+ (TAURUS|URSA|SERPENS|PISCES|LIBRA|SCORPIUS)$`), "Palo Alto Networks"},
}

// weakSchemes are schemes that mostly, not always, mean one vendor; they
// count only when the data names no vendor for the name.
var weakSchemes = []namingScheme{
	{regexp.MustCompile(`^[A-Z]+ (PANDA|BEAR|CHOLLIMA|KITTEN|SPIDER|JACKAL|TIGER|BUFFALO|LEOPARD|CRANE|WOLF|OCELOT)$`), "CrowdStrike"},
	{regexp.MustCompile(`^[A-Z][a-z]+ (Panda|Bear|Chollima|Spider|Jackal)$`), "CrowdStrike"},
}

// elements are the chemical element names Microsoft named groups after until
// 2023 (STRONTIUM, NOBELIUM, GADOLINIUM, ...). IRON, GOLD, COBALT, COPPER, TIN
// and SILVER are left out: on their own they are words, not element names
// used for groups, and with a second word they are Secureworks names.
var elements = func() map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Fields(`hydrogen helium lithium beryllium boron carbon nitrogen oxygen
	fluorine neon sodium magnesium aluminum aluminium silicon phosphorus sulfur chlorine argon
	potassium calcium scandium titanium vanadium chromium manganese nickel zinc gallium
	germanium arsenic selenium bromine krypton rubidium strontium yttrium zirconium niobium
	molybdenum technetium ruthenium rhodium palladium cadmium indium antimony tellurium
	iodine xenon cesium caesium barium lanthanum cerium praseodymium neodymium promethium
	samarium europium gadolinium terbium dysprosium holmium erbium thulium ytterbium lutetium
	hafnium tantalum tungsten rhenium osmium iridium platinum mercury thallium lead bismuth
	polonium astatine radon francium radium actinium thorium protactinium uranium neptunium
	plutonium americium curium berkelium californium einsteinium fermium mendelevium nobelium
	lawrencium rutherfordium dubnium seaborgium bohrium hassium meitnerium darmstadtium
	roentgenium copernicium nihonium flerovium moscovium livermorium tennessine oganesson`) {
		m[e] = true
	}
	return m
}()

// Coiner evidence levels, strongest first.
const (
	evOrigin  = iota + 1 // a MISP origin:NAME meta key
	evScheme             // a naming scheme only one vendor uses, or the Microsoft galaxy's own value
	evUUID               // a name-attribution uuid of a known vendor
	evDataset            // the dataset the name comes from (360.net's own names)
	evWeak               // a naming scheme that mostly means one vendor
)

// coinerEvidence collects, per normalised name, the best-supported coiner.
type coinerEvidence struct {
	best map[string]coinerVote
}

type coinerVote struct {
	level  int
	vendor string
	votes  map[string]int // vendor -> count at this level
}

func newCoinerEvidence() *coinerEvidence {
	return &coinerEvidence{best: map[string]coinerVote{}}
}

// add records that name was coined by vendor, with evidence of the given level.
func (c *coinerEvidence) add(name, vendor string, level int) {
	if vendor == "" {
		return
	}
	k := Normalize(name)
	v, ok := c.best[k]
	if ok && v.level < level {
		return
	}
	if !ok || level < v.level {
		v = coinerVote{level: level, votes: map[string]int{}}
	}
	v.votes[vendor]++
	v.vendor = ""
	top := 0
	for vend, n := range v.votes {
		switch {
		case n > top:
			top, v.vendor = n, vend
		case n == top:
			v.vendor = "" // a tie: the data does not tell
		}
	}
	c.best[k] = v
}

// addSchemes records what the naming schemes say about name.
func (c *coinerEvidence) addSchemes(name string) {
	if v := schemeVendor(name, strongSchemes); v != "" {
		c.add(name, v, evScheme)
	} else if !strings.ContainsAny(name, " -.") && elements[strings.ToLower(name)] {
		c.add(name, "Microsoft", evScheme)
	}
	if v := schemeVendor(name, weakSchemes); v != "" {
		c.add(name, v, evWeak)
	}
}

// coiner returns who coined name, or "" when the data does not tell.
func (c *coinerEvidence) coiner(name string) string {
	return c.best[Normalize(name)].vendor
}

func schemeVendor(name string, schemes []namingScheme) string {
	for _, s := range schemes {
		if s.re.MatchString(name) {
			return s.vendor
		}
	}
	return ""
}
