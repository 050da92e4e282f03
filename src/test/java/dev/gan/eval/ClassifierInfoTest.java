package dev.gan.eval;

import dev.gan.config.DataConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a classifier's protocol says it was tested on: the file or folder its config's format reads. */
class ClassifierInfoTest {
    private static ClassifierInfo trainedOn(DataConfig data, double holdout) {
        return new ClassifierInfo(1, "0", "now", 1, 3, 3, 64, List.of("a", "b"), "features", data, "sha", "x", 8000,
                holdout, 2000, 0.99);
    }

    @Test
    void aFolderConfigNamesItsFolderNotTheDefaultIdxFile() {
        DataConfig d = DataConfig.defaults();
        DataConfig folder = new DataConfig("folder", d.images(), d.labels(), "/data/crops64", 64, 3, d.limit(),
                d.skipBadFiles(), d.classNames());
        assertEquals("a 20% hold-out of /data/crops64 (2,000 images)", trainedOn(folder, 0.2).testDescription());
        assertEquals("all of " + d.images() + " (2,000 images)", trainedOn(d, 0).testDescription());
    }
}
