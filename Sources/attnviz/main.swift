import Foundation
print("attnviz: the command line lands with the core pipeline")
