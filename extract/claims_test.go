package extract

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aptgraph/aptgraph"
	"github.com/aptgraph/aptgraph/stix"
)

// claimsOf extracts text and returns its claims as "claimant|group|sponsor|confidence".
func claimsOf(t *testing.T, text string) []string {
	t.Helper()
	res, err := Default().Extract(&aptgraph.Document{Text: text}, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*stix.Object{}
	for _, o := range res.Bundle.Objects {
		by[o.ID] = o
	}
	var out []string
	for _, o := range res.Bundle.Objects {
		if o.Type != "relationship" || o.RelationshipType != "attributed-to" || stix.IDType(o.SourceRef) != "intrusion-set" && stix.IDType(o.SourceRef) != "campaign" {
			continue
		}
		conf := "-"
		if o.Confidence != nil {
			conf = itoa(*o.Confidence)
		}
		out = append(out, strings.Join([]string{by[o.CreatedByRef].Name, by[o.SourceRef].Name, by[o.TargetRef].Name, conf}, "|"))
	}
	sort.Strings(out)
	return out
}

// TestClaims checks claim frames on sentences written for the test, one
// phrasing each: who says it, about which group, naming which sponsor, and
// how sure they are.
func TestClaims(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"reporting verb with estimative words",
			"The National Cyber Security Centre said it is highly likely that APT28 is run by the GRU.",
			[]string{"National Cyber Security Centre|APT28|GRU|85"}},
		{"according to",
			"According to the FBI, APT41 works on behalf of China's Ministry of State Security.",
			[]string{"Federal Bureau of Investigation|APT41|Ministry of State Security|-"}},
		{"according to: the source stands before the comma",
			"According to the agency's statement, APT29 is a unit of the SVR, the Foreign Intelligence Service.",
			[]string{"Unknown source|APT29|SVR|-"}},
		{"acronym defined in the text stands for its body",
			"The Security Service of Ukraine (SSU) published its findings on Friday. The SSU said Gamaredon is run by the FSB.",
			[]string{"Security Service of Ukraine|Gamaredon Group|FSB|-"}},
		{"a later sentence gives the attribution its confidence",
			"The NCSC said APT28 is run by the GRU. The attribution was made with high confidence.",
			[]string{"National Cyber Security Centre|APT28|GRU|85"}},
		{"joint advisory subjects",
			"CISA, the FBI and the NSA assess that Volt Typhoon is a PRC state-sponsored actor.",
			[]string{"Cybersecurity and Infrastructure Security Agency|Volt Typhoon|Government of China|-",
				"Federal Bureau of Investigation|Volt Typhoon|Government of China|-",
				"National Security Agency|Volt Typhoon|Government of China|-"}},
		{"a sponsor the text names the group by",
			"The NCSC said the sanctions name GRU unit 29155 and GRU unit 74455, also known as Sandworm.",
			[]string{"National Cyber Security Centre|Sandworm|GRU Unit 74455|-"}},
		{"the body a speaker belongs to does not speak",
			"The National Cyber Security Centre (NCSC), a part of GCHQ, has assessed that APT28 is run by the GRU.",
			[]string{"National Cyber Security Centre|APT28|GRU|-"}},
		{"a later sentence on the unit gives the claim its confidence",
			"The NCSC said APT28 is operated by GRU unit 26165. The NCSC said it was almost certain that the unit deployed the malware.",
			[]string{"National Cyber Security Centre|APT28|GRU Unit 26165|95"}},
		{"the state whose interests a group serves",
			"Microsoft assesses with medium confidence that Storm-2372 is aligned with Russian interests.",
			[]string{"Microsoft|Storm-2372|Government of Russia|50"}},
		{"officials under a dateline are its state's",
			"SEOUL, Nov. 28 (Yonhap) -- North Korea's Lazarus Group is believed to be behind the theft, government officials said Friday.",
			[]string{"Government of South Korea|Lazarus Group|Government of North Korea|-"}},
		{"a body's shared name under a dateline",
			"Berlin, 12 December 2025\n\nThe Foreign Office said APT28 is run by the GRU.",
			[]string{"Federal Foreign Office|APT28|GRU|-"}},
		{"a shared name keeps its owner where the text names that state",
			"WASHINGTON, May 1 (Reuters) - Britain blamed Lazarus. The Foreign Office said Lazarus is run by North Korea.",
			[]string{"Foreign, Commonwealth and Development Office|Lazarus Group|Government of North Korea|-"}},
		{"an organ in lower case that the text also writes as a name",
			"OSLO, Aug 14 (Reuters) - The head of Norway's police security service said APT28 is run by the GRU. The Norwegian Police Security Service (PST) gave no details.",
			[]string{"Norwegian Police Security Service|APT28|GRU|-"}},
		{"the country under a dateline",
			"OSLO, Aug 14 (Reuters) - Last year the country said APT40 is run by the MSS.",
			[]string{"Government of Norway|APT40|Ministry of State Security|-"}},
		{"IT workers of a named department",
			"According to the FBI, North Korean IT workers work for the DPRK's Munitions Industry Department.",
			[]string{"Federal Bureau of Investigation|Unattributed activity: According to the FBI, North Korean IT workers work for the DPRK's Munitions Industry Department.|Munitions Industry Department|-"}},
		{"a base gives the actor its state",
			"Microsoft said the Pakistan-based espionage actor tracked as Storm-0156 deployed CrimsonRAT.",
			[]string{"Microsoft|Operation C-Major|Government of Pakistan|-"}},
		{"passive with by",
			"APT10 was linked to the Ministry of State Security by the Justice Department.",
			[]string{"U.S. Department of Justice|APT10|Ministry of State Security|-"}},
		{"a passive agent no rule knows is not whoever spoke before",
			"Foreign Minister Jean-Noel Barrot said the attacks would not go unanswered.\n\nAPT28 is attributed by Western governments to the GRU.",
			[]string{"Unknown source|APT28|GRU|-"}},
		{"the services: every body the sentence before named",
			"The MIVD and the AIVD have identified a new group, Laundry Bear. The services assess with high confidence that Laundry Bear works for the Russian government.",
			[]string{"AIVD|Void Blizzard|Government of Russia|85", "MIVD|Void Blizzard|Government of Russia|85"}},
		{"a high level of confidence",
			"The Czech Republic assesses with a high level of confidence that APT31 is run by China's Ministry of State Security.",
			[]string{"Government of the Czech Republic|APT31|Ministry of State Security|85"}},
		{"he after the comma speaks, not the government before it",
			"FBI Director Christopher Wray spoke on Flax Typhoon. Flax Typhoon has ties to the Chinese government, he said.",
			[]string{"Christopher Wray|Flax Typhoon|Government of China|-"}},
		{"a press release's issuer carries its unsourced claims",
			"Treasury Sanctions Hackers\n\nToday, the Department of the Treasury is sanctioning two men. Salt Typhoon has been linked to the PRC.",
			[]string{"U.S. Department of the Treasury|GhostEmperor|Government of China|-"}},
		{"the subject before a relative clause between commas speaks",
			"The German foreign ministry said Ghostwriter hit the Bundestag. Researchers at Mandiant, which tracks the operators as UNC1151, have said the group is part of the Belarusian military.",
			[]string{"Mandiant|Ghostwriter|Belarusian military|-"}},
		{"a state the text ties to a group, though the reference data gives another",
			"The European Union linked a campaign known as Ghostwriter to the Russian state.",
			[]string{"European Union|Ghostwriter|Government of Russia|-"}},
		{"with high probability",
			"Minister Krzysztof Gawkowski said it can be stated with high probability that the attack was carried out by APT28, associated with the GRU.",
			[]string{"Krzysztof Gawkowski|APT28|GRU|85"}},
		{"hedged",
			"MuddyWater is believed to be a subordinate element of Iran's Ministry of Intelligence and Security, Microsoft said.",
			[]string{"Microsoft|MuddyWater|Ministry of Intelligence and Security|-"}},
		{"backed suffix",
			"Google researchers said the Kremlin-backed Sandworm group hit Ukrainian energy firms.",
			[]string{"Google|Sandworm|Government of Russia|-"}},
		{"negated",
			"The company said it had no evidence that APT29 was behind the breach and declined to attribute it to Russia.",
			nil},
		{"denial",
			"China's foreign ministry denied that APT40 works for the Chinese government.",
			nil},
		{"moderate confidence",
			"Mandiant assesses with moderate confidence that UNC2452 is sponsored by the Russian government.",
			[]string{"Mandiant|APT29|Government of Russia|50"}},
		{"concurrence copies",
			"Japan concurred with the United States that APT40 is working for the Chinese state.",
			[]string{"Government of Japan|APT40|Government of China|-", "Government of the United States|APT40|Government of China|-"}},
		{"plural present concurrence",
			"The NCSC assesses that APT29 is part of the SVR. Canada and New Zealand concur with the UK's assessment.",
			[]string{"Government of Canada|APT29|SVR|-", "Government of New Zealand|APT29|SVR|-",
				"Government of the United Kingdom|APT29|SVR|-", "National Cyber Security Centre|APT29|SVR|-"}},
		{"a state's own body of a shared name",
			"New Zealand's National Cyber Security Centre said APT29 is part of the SVR.",
			[]string{"National Cyber Security Centre of New Zealand|APT29|SVR|-"}},
		{"the claimants go on to name the group",
			"CISA and the FBI assess that Chinese state-sponsored cyber actors are seeking access to networks.\n\n" +
				"The U.S. authoring agencies have confirmed that Volt Typhoon has compromised networks.",
			[]string{"Cybersecurity and Infrastructure Security Agency|Volt Typhoon|Government of China|-",
				"Federal Bureau of Investigation|Volt Typhoon|Government of China|-"}},
		{"a byline team speaks for a first-person blog; nationality after the group",
			"Threat Intelligence Unit | 9 September 2025\n\nWe assess with high confidence that the activity is the work of Kimsuky, a North Korean group.",
			[]string{"Threat Intelligence Unit|Kimsuky|Government of North Korea|85"}},
		{"a company sanctioned for intrusions is the actor, and a name inside its name is no group",
			"Treasury sanctions\n\nToday, the Department of the Treasury is sanctioning Sichuan Silence Information Technology Company, " +
				"Limited (Sichuan Silence) for its role in the compromise of firewalls. " +
				"Sichuan Silence has been a contractor to the Ministry of Public Security.",
			[]string{"U.S. Department of the Treasury|Sichuan Silence|Ministry of Public Security|-"}},
		{"a headline's charged subject is accused, and a dateline names the issuer",
			"North Korean Government Hacker Charged for Ransomware Attacks\n\nDepartment of Justice, Office of Public Affairs, July 25, 2024\n\n" +
				"According to court documents, Rim worked for Andariel, a unit of the Reconnaissance General Bureau.",
			[]string{"U.S. Department of Justice|Andariel|Reconnaissance General Bureau|-"}},
		{"'the unit' points back to the actor a held claim was about",
			"Estonia attributes attacks\n\nEstonia today attributed the cyber attacks on its ministries in 2020 to Unit 29155 of the GRU.\n\n" +
				"The unit is tracked by security vendors as Ember Bear.",
			[]string{"Government of Estonia|Ember Bear|GRU Unit 29155|-"}},
		{"a group right after 'by' is the actor, not the source",
			"Report\n\nBy the Threat Intelligence Team\n\nWe have identified a new campaign by OilRig, an Iranian state-sponsored threat group, against a government entity in the United Arab Emirates.",
			[]string{"Threat Intelligence Team|OilRig|Government of Iran|-"}},
		{"a centre that 'has established' with a high degree of certainty",
			"Statement\n\nThe National Cyber Security Centre of Lithuania has established with a high degree of certainty that the attacks were carried out by the group APT28, which is controlled by the GRU.",
			[]string{"National Cyber Security Centre of Lithuania|APT28|GRU|85"}},
		{"a country that speaks 'on the same day'",
			"APT10 news\n\nThe NCSC said APT10 was almost certainly responsible for a campaign.\n\n" +
				"The United States on the same day indicted two Chinese nationals who it said worked for APT10 on behalf of the MSS.",
			[]string{"Government of the United States|APT10|Ministry of State Security|-"}},
		{"each sponsor takes the estimative phrase nearest before it",
			"Mandiant said: We assess with high confidence that APT44 is sponsored by Russia's military intelligence agency, the GRU, and is likely operated by Military Unit 74455.",
			[]string{"Mandiant|Sandworm|GRU Unit 74455|65", "Mandiant|Sandworm|GRU|85"}},
		{"the bodies that release a statement each make its claim",
			"FBI and NPA Identification of North Korean Cyber Actors, Tracked as TraderTraitor, Responsible for Theft\n\nDecember 23, 2024\n\n" +
				"The Federal Bureau of Investigation (FBI) and the National Police Agency of Japan (NPA) are releasing this statement to alert the public that North Korean cyber actors stole cryptocurrency.\n\n" +
				"The theft is affiliated with TraderTraitor.",
			[]string{"Federal Bureau of Investigation|TraderTraitor|Government of North Korea|-", "National Police Agency|TraderTraitor|Government of North Korea|-"}},
		{"an incident response team in the byline speaks as 'we'",
			"Velvet Ant report\n\nAcme Incident Response | July 1, 2024\n\nVelvet Ant is a group that we assess with high confidence operates on behalf of the People's Republic of China.",
			[]string{"Acme Incident Response|Velvet Ant|Government of China|85"}},
		{"a group researchers 'link to' a service",
			"Researchers at Check Point said Handala is a persona of Void Manticore, a group they link to Iran's Ministry of Intelligence and Security.",
			[]string{"Check Point|Handala|Ministry of Intelligence and Security|-", "Check Point|Void Manticore|Ministry of Intelligence and Security|-"}},
		{"a team in a blog's dateline signs a text that never says 'we'",
			"Earth Estries report\n\nAcme Research | November 25, 2024\n\nEarth Estries is a Chinese state-sponsored group.",
			[]string{"Acme Research|Earth Estries|Government of China|-"}},
		{"'we track them as' names each actor of a claim held from the sentence before",
			"Report\n\nProofpoint observed at least three Chinese state-sponsored threat actors conducting phishing campaigns against the semiconductor industry. We track them as UNK_FistBump, UNK_DropPitch and UNK_SparkyCarp.",
			[]string{"Proofpoint|UNK_DropPitch|Government of China|-", "Proofpoint|UNK_FistBump|Government of China|-", "Proofpoint|UNK_SparkyCarp|Government of China|-"}},
		{"a team in the dateline, not a vendor the text mentions, signs it",
			"OceanLotus report\n\nThreat Research Center | 5 March 2025\n\nWe saw the backdoor of the Vietnam-based threat group OceanLotus, also known as APT32, hide its traffic behind Cloudflare's content delivery network.\n\nOceanLotus has long been linked to the Vietnamese government.",
			[]string{"Threat Research Center|APT32|Government of Vietnam|-"}},
		{"a firm hit and based in a country places the victim",
			"Mandiant said APT99 compromised an Israeli logistics company and a shipping firm based in the United Arab Emirates.",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := claimsOf(t, tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	}
}
