fn main() {
    std::process::exit(snowc::driver::main());
}
