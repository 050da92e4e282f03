package dev.gan.cli;

import dev.gan.system.Backend;
import dev.gan.system.Gpus;
import dev.gan.system.SystemInfo;
import dev.gan.system.Version;
import dev.gan.train.AutoPrecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code gan info}: what this gan runs on - software, CPU, memory limits, GPUs and whether this build can use them. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Show the build and the machine: gan, Java and ND4J versions, the CPU and its ISA "
                + "extensions, whether it does bf16 arithmetic (avx512_bf16 or amx_bf16) and what training.precision "
                + "auto picks here, OpenMP threads, oneDNN, memory limits, and each visible GPU with its compute "
                + "capability and whether this build can run on it (see README \"GPU\")."})
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    Gan root;

    /** Sizes in the JSON are in bytes. */
    @Mixin
    JsonOutput json;

    @Override
    public Integer call() {
        AutoPrecision auto = AutoPrecision.onThisMachine();
        SystemInfo info = SystemInfo.gather(Version.get(), Backend.classifierWithoutStarting(), Gpus.discover(),
                auto.precision().key(), auto.why());
        if (json.json) root.out.println(info.json().toPrettyString());
        else info.lines().forEach(root.out::println);
        return Gan.OK;
    }
}
