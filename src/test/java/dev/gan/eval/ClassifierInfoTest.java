package dev.gan.eval;

import dev.gan.config.DataConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What a classifier's protocol says it was tested on: the file or folder its config's format reads. */
class ClassifierInfoTest {
    private static ClassifierInfo trainedOn(DataConfig data, double holdout) {
        return new ClassifierInfo(1, "0", "now", 1, 3, 3, 64, List.of("a", "b"), "features", data, "sha", "x", 8000,
                holdout, 2000, 0.99, 0, null, null);
    }

    @Test
    void aFolderConfigNamesItsFolderNotTheDefaultIdxFile() {
        DataConfig d = DataConfig.defaults();
        DataConfig folder = new DataConfig("folder", d.images(), d.labels(), "/data/crops64", 64, 3, d.limit(),
                d.skipBadFiles(), d.classNames());
        assertEquals("a 20% hold-out of /data/crops64 (2,000 images)", trainedOn(folder, 0.2).testDescription());
        assertEquals("all of " + d.images() + " (2,000 images)", trainedOn(d, 0).testDescription());
    }

    /** The shipped classifier's JSON predates --clusters: it reads as 0 clusters, its classes the data's own. */
    @Test
    void aFileWrittenBeforeClustersReadsAsTheDataClasses() throws Exception {
        ClassifierInfo old = ClassifierFile.JSON.readValue(Path.of("classifiers/fashion-mnist.json").toFile(),
                ClassifierInfo.class);
        assertEquals(0, old.clusters());
        assertEquals(old.classNames(), old.realClasses());
        assertEquals(old.testAccuracy(), old.accuracyOnRealClasses());
        assertArrayEquals(new int[]{7, 3}, old.realClassesOf(new int[]{7, 3}));
        assertEquals("", old.clustersDescription());
        String again = ClassifierFile.JSON.writeValueAsString(old);
        assertFalse(again.contains("real_class"), "without clusters the file gains only \"clusters\": 0: " + again);
    }
}
