/*
 * OWLAPI's OWL 2 DL profile check, for tests/test_owl_profile.py. OWLAPI (3.4.3) ships inside
 * the HermiT jar bundled with owlready2; this file runs as a single source file (Java 11 or
 * newer compiles it in memory, nothing is written):
 *
 *     java -cp HermiT.jar tests/java/Owl2DlProfile.java DOCUMENT...
 *
 * Each DOCUMENT (RDF/XML: OWLAPI 3's Turtle parser drops backslashes from escapes) is loaded as
 * one ontology. For each it prints "DOCUMENT<TAB>axioms<TAB>COUNT", then a line
 * "DOCUMENT<TAB>KIND<TAB>TEXT" per profile violation (KIND: OWLAPI's class name for it).
 */

import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class Owl2DlProfile {
    public static void main(String[] args) throws Exception {
        for (String path : args) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(path));
            System.out.println(path + "\taxioms\t" + ontology.getAxiomCount());
            for (OWLProfileViolation violation :
                    new OWL2DLProfile().checkOntology(ontology).getViolations()) {
                String text = violation.toString().replaceAll("\\s+", " ");
                String kind = violation.getClass().getSimpleName();
                System.out.println(path + "\t" + kind + "\t" + text);
            }
        }
    }
}
